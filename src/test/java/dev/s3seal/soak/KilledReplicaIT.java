package dev.s3seal.soak;

import static dev.s3seal.testsupport.TestData.indexOf;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.testsupport.FaultProxy;
import dev.s3seal.testsupport.FaultProxy.Fault;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * s3seal killed with SIGKILL in the middle of a multipart upload, of its completion and of its seal.
 * The killed replica is the real jar as a child process; the test's own Spring context, on the same
 * upstream with the same policy and keys, is the second replica that takes over. Whatever the moment
 * of the kill, the client can finish or abort the upload through the second replica, and nothing
 * unsealed, partial or wrong is ever served; the store holds no plaintext.
 */
class KilledReplicaIT extends StandardPolicyIntegrationTest {

    private static final int PART = 5 * 1024 * 1024;

    @Autowired
    PolicyHolder policy;

    private FaultProxy faults;
    private Process killed;
    private Path killedLog;
    private S3Client replica;
    private String bucket;

    @BeforeEach
    void startTheReplicaToKill() throws Exception {
        faults = FaultProxy.inFrontOf(store().endpoint());
        killed = startJar(faults.endpoint());
        replica = alice();
        bucket = newBucket();
    }

    @AfterEach
    void stop() throws Exception {
        killed.destroyForcibly();
        replica.close();
        faults.close();
    }

    @Test
    void shouldLetTheSecondReplicaFinishAnUploadStartedOnAKilledOne() throws Exception {
        byte[] data = random(PART + 1000, 31);
        String key = "docs/half-uploaded";
        String id;
        String e1;
        try (S3Client first = client(killedPort)) {
            id = first.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            e1 = first.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                            RequestBody.fromBytes(Arrays.copyOfRange(data, 0, PART)))
                    .eTag();
        }
        sigkill();

        String e2 = replica.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(2),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, PART, data.length)))
                .eTag();
        complete(replica, key, id, List.of(part(1, e1), part(2, e2)));

        assertThat(replica.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .isEqualTo(data);
        assertNoPlaintextStored(key, data);
    }

    @Test
    void shouldNeverServeAnUploadWhoseCompletionWasKilled() throws Exception {
        // the completion reaches the upstream late, after s3seal is gone: it may or may not complete there
        killMidway(
                "docs/killed-completing",
                head -> head.method().equals("POST") && head.target().contains("uploadId="),
                Fault.delay(Duration.ofSeconds(2)));
    }

    @Test
    void shouldNeverServeAnUploadWhoseSealWasKilled() throws Exception {
        // the upstream completed the object, s3seal dies during the sealing self-copy: a pending object
        killMidway(
                "docs/killed-sealing",
                head -> head.method().equals("PUT") && head.text().toLowerCase().contains("x-amz-copy-source:"),
                Fault.stall());
    }

    private void killMidway(String key, java.util.function.Predicate<FaultProxy.RequestHead> when, Fault fault)
            throws Exception {
        byte[] data = random(PART + 1000, key.hashCode());
        S3Client first = client(killedPort);
        String id = first.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = List.of(
                part(
                        1,
                        first.uploadPart(
                                        b -> b.bucket(bucket)
                                                .key(key)
                                                .uploadId(id)
                                                .partNumber(1),
                                        RequestBody.fromBytes(Arrays.copyOfRange(data, 0, PART)))
                                .eTag()),
                part(
                        2,
                        first.uploadPart(
                                        b -> b.bucket(bucket)
                                                .key(key)
                                                .uploadId(id)
                                                .partNumber(2),
                                        RequestBody.fromBytes(Arrays.copyOfRange(data, PART, data.length)))
                                .eTag()));
        faults.inject(when, fault, 1);
        CompletableFuture<Void> completing = CompletableFuture.runAsync(() -> complete(first, key, id, parts));
        awaitFired(completing);
        sigkill();
        assertThat(catchThrowable(completing::join))
                .as("the client lost its answer with the process")
                .isNotNull();
        first.close();
        Thread.sleep(3000); // a delayed completion has reached the upstream by now (or never will)

        String afterKill = servedCorrectlyOrNotAtAll(key, data);
        // whether the upstream completed the upload before the kill or not, the client's retry finishes
        // it: a normal completion, or the seal of the pending object the upstream completed
        complete(replica, key, id, parts);
        String afterRetry = servedCorrectlyOrNotAtAll(key, data);
        // which state the kill left, for the figures in docs/resilience.md
        System.out.printf("%s: after the kill %s; retried completion succeeded; then %s%n", key, afterKill, afterRetry);
        assertThat(afterRetry)
                .as("a retried completion leaves the object readable")
                .isEqualTo("readable and correct");
        assertNoPlaintextStored(key, data);
        // the key is cleared and reused like any other
        replica.deleteObject(b -> b.bucket(bucket).key(key));
        assertThat(servedCorrectlyOrNotAtAll(key, data)).isEqualTo("404 NoSuchKey");
        replica.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        assertThat(servedCorrectlyOrNotAtAll(key, data)).isEqualTo("readable and correct");
    }

    /** Absent, pending (403 InvalidObjectState) or byte-for-byte right; whole and ranged. */
    private String servedCorrectlyOrNotAtAll(String key, byte[] data) {
        Throwable read = catchThrowable(() -> assertThat(
                        replica.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .isEqualTo(data));
        if (read == null) {
            assertThat(replica.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=0-9"))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOf(data, 10));
            return "readable and correct";
        }
        assertThat(read).isInstanceOf(S3Exception.class);
        S3Exception refused = (S3Exception) read;
        assertThat(refused.statusCode() + " " + refused.awsErrorDetails().errorCode())
                .as("never served wrong: absent or pending")
                .isIn("404 NoSuchKey", "403 InvalidObjectState");
        Throwable ranged = catchThrowable(
                () -> replica.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=0-9")));
        assertThat(ranged).isInstanceOf(S3Exception.class);
        return refused.statusCode() + " " + refused.awsErrorDetails().errorCode();
    }

    private void assertNoPlaintextStored(String key, byte[] data) throws IOException {
        Path stored = store().objectPath(bucket, key);
        if (!Files.exists(stored)) {
            return;
        }
        byte[] atRest = Files.readAllBytes(stored);
        byte[] sample = Arrays.copyOfRange(data, PART / 2, PART / 2 + 64);
        assertThat(indexOf(atRest, sample)).as("plaintext at rest").isEqualTo(-1);
        assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("S3SL");
    }

    private void complete(S3Client client, String key, String id, List<CompletedPart> parts) {
        client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    }

    private static CompletedPart part(int number, String etag) {
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private void awaitFired(CompletableFuture<Void> completing) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (faults.fired() == 0 && !completing.isDone() && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        assertThat(faults.fired())
                .as("the request to kill in reached the upstream")
                .isEqualTo(1);
        assertThat(completing).as("the completion is still running at SIGKILL").isNotDone();
    }

    private void sigkill() throws InterruptedException {
        killed.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private S3Client client(int port) {
        return S3Clients.sync(URI.create("http://127.0.0.1:" + port), ALICE_KEY, ALICE_SECRET);
    }

    private int killedPort;

    /** The real jar, with the test context's policy file (same keys) and clients, in front of {@code upstream}. */
    private Process startJar(URI upstream) throws Exception {
        Path jar = Path.of("target", "s3seal.jar");
        assertThat(jar).as("built by the package phase before failsafe runs").exists();
        killedPort = freePort();
        int managementPort = freePort();
        killedLog = Files.createTempFile("s3seal-killed", ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(killedLog.toFile());
        MotoServer moto = MotoServer.get();
        builder.environment()
                .putAll(Map.of(
                        "S3SEAL_UPSTREAM_ENDPOINT",
                        upstream.toString(),
                        "S3SEAL_UPSTREAM_ACCESS_KEY_ID",
                        S3ProxyServer.ACCESS_KEY,
                        "S3SEAL_UPSTREAM_SECRET_ACCESS_KEY",
                        S3ProxyServer.SECRET_KEY,
                        "S3SEAL_CLIENTS_0_ACCESS_KEY_ID",
                        ALICE_KEY,
                        "S3SEAL_CLIENTS_0_SECRET_ACCESS_KEY",
                        ALICE_SECRET,
                        "S3SEAL_POLICY",
                        policy.file().orElseThrow().toString(),
                        "S3SEAL_KMS_ENDPOINT",
                        moto.endpoint().toString(),
                        "S3SEAL_KMS_REGION",
                        MotoServer.REGION,
                        "SERVER_PORT",
                        Integer.toString(killedPort),
                        "MANAGEMENT_SERVER_PORT",
                        Integer.toString(managementPort)));
        builder.environment().put("S3SEAL_CLIENTS_0_NAME", "alice");
        builder.environment().put("S3SEAL_KMS_ACCESS_KEY_ID", "test");
        builder.environment().put("S3SEAL_KMS_SECRET_ACCESS_KEY", "test");
        Process process = builder.start();
        awaitReady(managementPort, process);
        return process;
    }

    private void awaitReady(int managementPort, Process process) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive())
                    .as("s3seal running; log:\n%s", Files.readString(killedLog))
                    .isTrue();
            try {
                HttpRequest ready = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException starting) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("s3seal did not become ready; log:\n" + Files.readString(killedLog));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
