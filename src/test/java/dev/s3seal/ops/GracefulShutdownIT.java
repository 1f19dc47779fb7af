package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SIGTERM during a 100 MiB upload: s3seal (the real jar, as a process) stops taking new work but
 * lets the transfer finish within its grace period, then exits.
 */
class GracefulShutdownIT {

    private static final long SIZE = 100L * 1024 * 1024;
    private static final long BYTES_PER_SECOND = 25L * 1024 * 1024;
    /**
     * More than loopback socket buffers hold on both ends together (a few MiB each): once the SDK
     * has handed over this much of the body, s3seal has accepted the connection and is reading it.
     */
    private static final long IN_FLIGHT = 24L * 1024 * 1024;

    @Test
    void shouldFinishUploadInFlightWhenTerminated() throws Exception {
        Path jar = Path.of("target", "s3seal.jar");
        assertThat(jar).as("built by the package phase").exists();
        S3ProxyServer store = S3ProxyServer.filesystemStore();
        int port = freePort();
        int managementPort = freePort();
        Path log = Files.createTempFile("s3seal-shutdown", ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("S3SEAL_UPSTREAM_ENDPOINT", store.endpoint().toString());
        builder.environment().put("S3SEAL_UPSTREAM_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        builder.environment().put("S3SEAL_UPSTREAM_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        builder.environment().put("S3SEAL_CLIENTS_0_ACCESS_KEY_ID", "term-key");
        builder.environment().put("S3SEAL_CLIENTS_0_SECRET_ACCESS_KEY", "term-secret");
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
        Process s3seal = builder.start();
        try {
            awaitReady(managementPort, s3seal, log);
            String bucket = "shutdown-" + Long.toHexString(System.nanoTime());
            try (S3Client client = S3Clients.sync(URI.create("http://127.0.0.1:" + port), "term-key", "term-secret")) {
                client.createBucket(b -> b.bucket(bucket));
                AtomicReference<SlowZeros> body = new AtomicReference<>();
                CompletableFuture<String> upload = CompletableFuture.supplyAsync(() -> client.putObject(
                                b -> b.bucket(bucket).key("big"),
                                RequestBody.fromContentProvider(
                                        () -> {
                                            SlowZeros zeros = new SlowZeros(SIZE, BYTES_PER_SECOND);
                                            body.set(zeros);
                                            return zeros;
                                        },
                                        SIZE,
                                        "application/octet-stream"))
                        .eTag());
                // Not a fixed sleep: on a loaded machine the request may not have reached s3seal yet,
                // and a connection still in the accept backlog at SIGTERM is refused, not drained.
                awaitBodyFlowing(body, upload);
                assertThat(upload)
                        .as("the upload is still running when SIGTERM arrives")
                        .isNotDone();
                s3seal.destroy(); // SIGTERM
                assertThat(upload.get(60, TimeUnit.SECONDS)).isNotBlank();
            }
            assertThat(s3seal.waitFor(60, TimeUnit.SECONDS))
                    .as("s3seal exits after the grace period")
                    .isTrue();
            assertThat(Files.size(store.objectPath(bucket, "big"))).isEqualTo(SIZE);
        } finally {
            s3seal.destroyForcibly();
        }
    }

    private static void awaitReady(int managementPort, Process process, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("s3seal running; log: %s", log).isTrue();
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
        throw new AssertionError("s3seal did not become ready; log: " + Files.readString(log));
    }

    /** Until the SDK has read {@link #IN_FLIGHT} bytes of the body, or the upload ended (it must not). */
    private static void awaitBodyFlowing(AtomicReference<SlowZeros> body, CompletableFuture<String> upload)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!upload.isDone() && Instant.now().isBefore(deadline)) {
            SlowZeros zeros = body.get();
            if (zeros != null && zeros.sent() >= IN_FLIGHT) {
                return;
            }
            Thread.sleep(10);
        }
        if (!upload.isDone()) {
            throw new AssertionError("the upload did not get under way within 60 s");
        }
        throw new AssertionError("the upload ended before SIGTERM: "
                + upload.handle((etag, error) -> error == null ? "ETag " + etag : error.toString())
                        .join());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code size} zero bytes at about {@code bytesPerSecond}, so the upload outlasts the signal. */
    private static final class SlowZeros extends InputStream {
        private final long size;
        private final long bytesPerSecond;
        private final long start = System.nanoTime();
        private volatile long sent; // read by the test thread to see how far the upload got

        SlowZeros(long size, long bytesPerSecond) {
            this.size = size;
            this.bytesPerSecond = bytesPerSecond;
        }

        long sent() {
            return sent;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (sent >= size) {
                return -1;
            }
            long allowed = (System.nanoTime() - start) * bytesPerSecond / 1_000_000_000L;
            while (sent >= allowed) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                allowed = (System.nanoTime() - start) * bytesPerSecond / 1_000_000_000L;
            }
            int n = (int) Math.min(Math.min(length, size - sent), Math.max(1, allowed - sent));
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            sent += n;
            return n;
        }
    }
}
