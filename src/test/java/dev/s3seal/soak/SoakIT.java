package dev.s3seal.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.S3SealApplication;
import dev.s3seal.testsupport.FaultProxy;
import dev.s3seal.testsupport.LeakRecorder;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The soak: N clients run mixed PUT, GET, ranged GET, LIST, multipart uploads, copies and deletes
 * (bodies from 0 B up to a bound) against two s3seal replicas that share one S3Proxy store, while a
 * {@link FaultProxy} between the replicas and the store resets connections and answers 503 SlowDown
 * at random ({@link RandomFaults}). A client call may fail only where an injected fault hit it. At the
 * end, with faults off, every key is read back through both replicas and checked (SHA-256) against
 * what its last successful write put there (or, after a failed write, the old or the new value).
 * Then: zero bytes lost, zero unexpected errors, zero leaked buffers (paranoid Netty leak detection
 * and BlockHound are on for the whole test JVM, replicas included), and heap before and after reported.
 *
 * <p>Parameters (system properties): {@code s3seal.soak.minutes} (default 1.25 minutes of load),
 * {@code s3seal.soak.clients} (default 8), {@code s3seal.soak.max-size} (default 16 MiB). The long
 * form is documented in docs/resilience.md.
 */
class SoakIT {

    private static final double MINUTES = Double.parseDouble(System.getProperty("s3seal.soak.minutes", "1.25"));
    private static final int CLIENTS = Integer.getInteger("s3seal.soak.clients", 8);
    private static final long MAX_SIZE = Long.getLong("s3seal.soak.max-size", 16L * 1024 * 1024);
    /** A heap that grows by more than this over the soak is not flat (a bound on memory, not on time). */
    private static final long HEAP_GROWTH_BOUND = 256L * 1024 * 1024;

    @Test
    void shouldLoseNoBytesAndFailOnlyWhereFaultsWereInjectedUnderMixedLoadOnTwoReplicas() throws Exception {
        S3ProxyServer store = S3ProxyServer.filesystemStore();
        RandomFaults faults = new RandomFaults();
        SoakTally tally = new SoakTally();
        SoakClient.Verification verification = new SoakClient.Verification();
        String bucket = "soak-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client direct = store.directClient()) {
            direct.createBucket(b -> b.bucket(bucket));
        }
        long lost = 0;
        long heapBefore;
        long heapAfter;
        long directBefore;
        long directAfter;
        try (FaultProxy proxy = FaultProxy.inFrontOf(store.endpoint())) {
            Map<String, Object> properties = replicaProperties(proxy);
            try (ConfigurableApplicationContext first = startReplica(properties);
                    ConfigurableApplicationContext second = startReplica(properties);
                    S3Client viaFirst = client(first);
                    S3Client viaSecond = client(second)) {
                List<S3Client> replicas = List.of(viaFirst, viaSecond);
                List<SoakClient> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(new SoakClient(i, replicas, bucket, faults, tally, MAX_SIZE));
                }
                heapBefore = usedHeapAfterGc();
                directBefore = directMemoryUsed();
                faults.arm(proxy);
                Instant until = Instant.now().plus(Duration.ofMillis((long) (MINUTES * 60_000)));
                runAll(clients, client -> client.run(until));
                faults.disable();
                proxy.clear();
                AtomicLong lostBytes = new AtomicLong();
                runAll(clients, client -> lostBytes.addAndGet(client.verifyAll(verification)));
                lost = lostBytes.get();
                heapAfter = usedHeapAfterGc();
                directAfter = directMemoryUsed();
            }
        }
        List<String> leaks = LeakRecorder.collectLeaks();

        System.out.printf(
                "SoakIT: %d clients, %.1f minutes, bodies up to %d bytes, two replicas%n", CLIENTS, MINUTES, MAX_SIZE);
        System.out.println("SoakIT: " + tally.summary());
        System.out.println("SoakIT: faults injected " + faults.fired() + " " + faults.firedByKind()
                + "; client calls failed by them " + tally.failedByFault() + ", the rest survived");
        System.out.println("SoakIT: read-back through both replicas: " + verification);
        System.out.println("SoakIT: bytes lost " + lost + ", unexpected errors "
                + tally.unexpectedErrors().size() + ", wrong data "
                + tally.wrongData().size() + ", leaked buffers " + leaks.size());
        System.out.printf(
                "SoakIT: heap used after GC before %d MiB, after %d MiB; direct buffers before %d MiB, after %d MiB%n",
                heapBefore >> 20, heapAfter >> 20, directBefore >> 20, directAfter >> 20);

        assertThat(tally.unexpectedErrors())
                .as("failures no injected fault explains")
                .isEmpty();
        assertThat(tally.wrongData())
                .as("reads that returned other bytes than were written")
                .isEmpty();
        assertThat(lost).as("bytes lost").isZero();
        assertThat(leaks).as("leaked Netty buffers").isEmpty();
        assertThat(faults.fired()).as("faults injected").isPositive();
        assertThat(verification.objects()).as("objects read back").isPositive();
        assertThat(heapAfter - heapBefore).as("heap growth over the soak").isLessThan(HEAP_GROWTH_BOUND);
    }

    private interface ClientWork {
        void run(SoakClient client) throws Exception;
    }

    private static void runAll(List<SoakClient> clients, ClientWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (SoakClient client : clients) {
                running.add(pool.submit(() -> {
                    work.run(client);
                    return null;
                }));
            }
            for (Future<?> each : running) {
                each.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Both replicas: the same clients, policy, master key and KMS key, the same (faulty) upstream. */
    private static Map<String, Object> replicaProperties(FaultProxy proxy) throws IOException {
        Map<String, Object> properties = new LinkedHashMap<>();
        proxy.registerAsUpstream((name, value) -> properties.put(name, value.get()));
        TestPolicies.register((name, value) -> properties.put(name, value.get()), TestPolicies.STANDARD_RULES);
        properties.put("server.port", "0");
        properties.put("management.server.port", "0");
        properties.put("s3seal.clients[0].name", "alice");
        properties.put("s3seal.clients[0].access-key-id", ProxyIntegrationTest.ALICE_KEY);
        properties.put("s3seal.clients[0].secret-access-key", ProxyIntegrationTest.ALICE_SECRET);
        properties.put("s3seal.ops.upstream-probe-interval", "0");
        return properties;
    }

    /** Properties as command-line arguments: they must win over application.yml (default properties would not). */
    private static ConfigurableApplicationContext startReplica(Map<String, Object> properties) {
        String[] args = properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(S3SealApplication.class).run(args);
    }

    /** Alice's client for one replica; no SDK retries, so every fault meets s3seal, not the SDK's retry loop. */
    private static S3Client client(ConfigurableApplicationContext replica) {
        int port = ((WebServerApplicationContext) replica).getWebServer().getPort();
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        S3Clients.credentials(ProxyIntegrationTest.ALICE_KEY, ProxyIntegrationTest.ALICE_SECRET))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
    }
}
