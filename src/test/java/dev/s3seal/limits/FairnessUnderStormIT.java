package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.LogCapture;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.SlowUpload;
import dev.s3seal.testsupport.TestData;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A normal client (bob, small GETs) during a storm from two other principals: slow readers that
 * drain a large download a kilobyte at a time, slow writers that send headers and a byte then stall,
 * and hundreds of idle connections. The test measures bob's p99 latency alone and during the storm
 * and prints both and their ratio (docs/resilience.md keeps the figures); it asserts outcomes only:
 * every one of bob's requests was served with the right bytes, and the upstream pool was never
 * exhausted (no pending-acquire timeout, logged or counted). The slow readers are carol, the slow
 * writers alice. The pool is small (16 connections) so that the storm would exhaust it if the
 * per-client cap (4 here) did not hold each of them to a share of it. Objects are cse-local.
 */
@TestPropertySource(
        properties = {
            "s3seal.upstream.max-connections=16",
            "s3seal.limits.max-concurrent-requests-per-client=4",
            "s3seal.upstream.pending-acquire-timeout=5s",
            "s3seal.ops.upstream-probe-interval=0"
        })
class FairnessUnderStormIT extends ProxyIntegrationTest {

    static final String CAROL_KEY = "carol-key";
    static final String CAROL_SECRET = "carol-secret-0123456789";
    private static final int SAMPLES = 100;
    private static final int SLOW_READERS = 24;
    private static final int SLOW_WRITERS = 12;
    private static final int IDLE_CONNECTIONS = 300;
    private static final int LARGE = 8 * 1024 * 1024;
    /** Larger than the socket buffers between s3seal and the store, so a slow reader keeps its upstream connection. */
    private static final int SLOWLY_READ = 64 * 1024 * 1024;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void carolAndPolicy(DynamicPropertyRegistry registry) throws IOException {
        // with the base class's clients: a list binds from one property source only
        registry.add("s3seal.clients[2].name", () -> "carol");
        registry.add("s3seal.clients[2].access-key-id", () -> CAROL_KEY);
        registry.add("s3seal.clients[2].secret-access-key", () -> CAROL_SECRET);
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @Test
    void shouldServeEveryNormalRequestAndNeverExhaustTheUpstreamPoolDuringAStormOfSlowAndIdleClients()
            throws Exception {
        String bucket = newBucket();
        ensureBobBucket();
        byte[] small = TestData.random(4096, 42);
        URL largeUrl;
        try (S3Client alice = alice();
                S3Presigner presigner = S3Clients.presigner(endpoint(), CAROL_KEY, CAROL_SECRET)) {
            alice.putObject(
                    b -> b.bucket(bucket).key("large"), RequestBody.fromBytes(TestData.random(SLOWLY_READ, 43)));
            largeUrl = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(10))
                            .getObjectRequest(g -> g.bucket(bucket).key("large")))
                    .url();
        }

        try (S3Client bob = S3Clients.sync(endpoint(), BOB_KEY, BOB_SECRET);
                LogCapture log = LogCapture.attach()) {
            bob.putObject(b -> b.bucket(BOB_BUCKET).key("small"), RequestBody.fromBytes(small));
            smallGets(bob, small, 30); // warm-up
            long[] alone = smallGets(bob, small, SAMPLES);

            Storm storm = new Storm(largeUrl, bucket);
            long[] during;
            try {
                storm.start();
                storm.awaitPressure();
                during = smallGets(bob, small, SAMPLES);
            } finally {
                storm.stop();
            }

            double p99Alone = p99Millis(alone);
            double p99During = p99Millis(during);
            System.out.println(String.format(
                    Locale.ROOT,
                    "FairnessUnderStormIT: bob's small GET p99 alone %.1f ms,"
                            + " during the storm %.1f ms, ratio %.1f (%d samples each)",
                    p99Alone,
                    p99During,
                    p99During / p99Alone,
                    SAMPLES));
            System.out.println("FairnessUnderStormIT: storm " + storm);

            assertThat(log.messages())
                    .as("pool exhaustion logged")
                    .noneMatch(m -> m.toLowerCase().contains("acquire"));
        }
        assertThat(upstreamTimeouts())
                .as("upstream requests that timed out (pending acquire included)")
                .isZero();
    }

    /** {@code count} GETs of the small object, each checked; their latencies in nanoseconds. */
    private static long[] smallGets(S3Client bob, byte[] expected, int count) {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            byte[] got =
                    bob.getObjectAsBytes(b -> b.bucket(BOB_BUCKET).key("small")).asByteArray();
            nanos[i] = System.nanoTime() - start;
            assertThat(got).isEqualTo(expected);
        }
        return nanos;
    }

    private static double p99Millis(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6;
    }

    private double upstreamTimeouts() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body()
                .lines()
                .filter(line -> line.startsWith("s3seal_upstream_errors_total{") && line.contains("cause=\"timeout\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Carol's slow readers, alice's slow writers, and idle connections, kept up until {@link #stop()}. */
    private final class Storm {
        private final URL largeUrl;
        private final String bucket;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger readsStreaming = new AtomicInteger();
        private final AtomicInteger readsRefused = new AtomicInteger();
        private final AtomicInteger writesRefused = new AtomicInteger();
        private final List<Thread> readers = new ArrayList<>();
        private final List<SlowUpload> writers = new ArrayList<>();
        private final List<Socket> idle = new ArrayList<>();
        private volatile String refusal;

        Storm(URL largeUrl, String bucket) {
            this.largeUrl = largeUrl;
            this.bucket = bucket;
        }

        void start() throws IOException {
            for (int i = 0; i < IDLE_CONNECTIONS; i++) {
                idle.add(new Socket("127.0.0.1", port));
            }
            for (int i = 0; i < SLOW_WRITERS; i++) {
                writers.add(
                        SlowUpload.start(endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/slow-" + i, LARGE, 1));
            }
            for (int i = 0; i < SLOW_READERS; i++) {
                Thread reader = new Thread(this::readSlowlyUntilStopped, "slow-reader-" + i);
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
        }

        /** Until the slow readers fill alice's share of the pool (or a few seconds pass). */
        void awaitPressure() throws InterruptedException {
            for (int i = 0; i < 50 && readsStreaming.get() + readsRefused.get() < SLOW_READERS; i++) {
                Thread.sleep(100);
            }
        }

        void stop() throws Exception {
            running.set(false);
            for (Thread reader : readers) {
                reader.join(30_000);
            }
            for (SlowUpload writer : writers) {
                if (writer.response().isDone() && !writer.response().isCompletedExceptionally()) {
                    writesRefused.incrementAndGet();
                }
                writer.close();
            }
            for (Socket socket : idle) {
                socket.close();
            }
        }

        /** A download read a kilobyte every 100 ms through a small receive window; again after a refusal. */
        private void readSlowlyUntilStopped() {
            while (running.get()) {
                try (Socket socket = new Socket()) {
                    socket.setReceiveBufferSize(4096);
                    socket.connect(new InetSocketAddress("127.0.0.1", port));
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream()
                            .write(("GET " + largeUrl.getFile() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = socket.getInputStream();
                    byte[] buffer = new byte[1024];
                    int n = in.read(buffer);
                    if (n < 0
                            || !new String(buffer, 0, Math.min(n, 12), StandardCharsets.US_ASCII)
                                    .startsWith("HTTP/1.1 200")) {
                        readsRefused.incrementAndGet();
                        if (refusal == null) {
                            refusal = n < 0
                                    ? "connection closed"
                                    : new String(buffer, 0, n, StandardCharsets.US_ASCII)
                                            .lines()
                                            .findFirst()
                                            .orElse("");
                        }
                        Thread.sleep(500); // a refused reader comes back, but does not spin
                        continue;
                    }
                    readsStreaming.incrementAndGet();
                    while (running.get() && in.read(buffer) >= 0) {
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the storm's own connections may be cut: that is s3seal defending itself
                }
            }
        }

        @Override
        public String toString() {
            return SLOW_READERS + " slow readers (" + readsStreaming + " downloads streamed, " + readsRefused
                    + " refused" + (refusal == null ? "" : ", the first with " + refusal) + "), " + SLOW_WRITERS
                    + " slow writers (" + writesRefused + " refused), "
                    + IDLE_CONNECTIONS + " idle connections";
        }
    }
}
