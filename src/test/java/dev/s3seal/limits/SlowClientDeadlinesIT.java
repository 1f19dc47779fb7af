package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.SlowUpload;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Clients that trickle their request: a body that stalls is cut with S3's RequestTimeout and never
 * stored; a header section that never completes gets its connection closed. Short deadlines keep
 * the test fast; it asserts outcomes, never how long anything took.
 */
@TestPropertySource(properties = {"s3seal.limits.header-read-timeout=2s", "s3seal.limits.body-idle-timeout=2s"})
class SlowClientDeadlinesIT extends ProxyIntegrationTest {

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    /**
     * A small body (held whole before the upstream request) and a large one (streamed upstream),
     * each passed through ({@code public/}) and encrypted by s3seal (cse-local).
     */
    @ParameterizedTest
    @CsvSource({"public/stalled, 1000", "public/stalled, 10485760", "stalled, 1000", "stalled, 10485760"})
    void shouldAnswerRequestTimeoutAndStoreNothingWhenBodyStalls(String key, int declaredLength) throws Exception {
        String bucket = newBucket();
        try (SlowUpload upload =
                SlowUpload.start(endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/" + key, declaredLength, 100)) {
            RawHttp.Response response = upload.response().get(60, TimeUnit.SECONDS);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("RequestTimeout");
            assertThat(response.body()).contains("not read from or written to within the timeout period");
        }
        assertThat(Files.exists(store().objectPath(bucket, key))).isFalse();
        try (S3Client alice = alice()) {
            alice.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("served"));
            assertThat(alice.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
                    .isEqualTo("served");
        }
    }

    @Test
    void shouldCloseConnectionWhenHeadersArriveTooSlowly() throws Exception {
        byte[] head = ("GET /some-bucket/k HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(400) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        AtomicInteger sent = new AtomicInteger();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            Thread trickle = new Thread(
                    () -> {
                        try {
                            for (byte b : head) {
                                out.write(b);
                                out.flush();
                                sent.incrementAndGet();
                                Thread.sleep(250);
                            }
                        } catch (IOException | InterruptedException closed) {
                            // the server closed the connection: the outcome under test
                        }
                    },
                    "header-trickle");
            trickle.setDaemon(true);
            trickle.start();

            assertThat(readUntilClosed(socket.getInputStream()))
                    .as("bytes answered")
                    .isZero();
            trickle.interrupt();
        }
        assertThat(sent.get()).as("header bytes sent before the close").isLessThan(head.length);
    }

    /** Reads until the server closes (end of stream or reset); a read timeout means it never did. */
    private static int readUntilClosed(InputStream in) throws IOException {
        int total = 0;
        try {
            byte[] buffer = new byte[1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            throw stillOpen;
        } catch (SocketException reset) {
            // closed by the server
        }
        return total;
    }
}
