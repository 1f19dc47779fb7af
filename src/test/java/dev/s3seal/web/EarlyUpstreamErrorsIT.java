package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RefusingUpstream;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.TestPolicies;

/**
 * An upstream that refuses a large body before reading it (a missing bucket; a head refused outright
 * by {@link RefusingUpstream} in front of S3Proxy) must be heard by the client as that refusal, not
 * as a 503 or a reset, in the streamed modes alike: {@code public/} is passthrough, everything else
 * cse-local. A client that asked {@code Expect: 100-continue} gets a head refusal in place of the
 * 100, so it never sends the body; one that did not gets the refusal while sending.
 */
class EarlyUpstreamErrorsIT extends ProxyIntegrationTest {

    private static final int BODY_BYTES = 8 * 1024 * 1024;
    private static final String REFUSE = RefusingUpstream.REFUSE_HEADER.substring("x-amz-meta-".length());
    private static final RefusingUpstream UPSTREAM = RefusingUpstream.inFrontOf(S3ProxyServer.filesystemStore().endpoint());

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        UPSTREAM.registerAsUpstream(registry);
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/big", "plain/big"})
    void shouldAnswerNoSuchBucketToSdkPutIntoMissingBucket(String key) {
        try (S3Client client = alice()) {
            S3Exception refused = catchThrowableOfType(S3Exception.class, () -> client.putObject(
                    b -> b.bucket(missingBucket()).key(key), RequestBody.fromBytes(new byte[BODY_BYTES])));
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalToSdkPut(String key) {
        String bucket = newBucket();
        try (S3Client client = alice()) {
            S3Exception refused = catchThrowableOfType(S3Exception.class, () -> client.putObject(
                    b -> b.bucket(bucket).key(key).metadata(Map.of(REFUSE, "yes")),
                    RequestBody.fromBytes(new byte[BODY_BYTES])));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        }
    }

    /**
     * The upstream refuses on the head: the client that expects 100-continue gets that refusal in
     * place of a 100, and neither it nor s3seal sent a byte of the body.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalInsteadOfContinue(String key) throws Exception {
        SignedRequests.Signed put = SignedRequests.put(endpoint(), ALICE_KEY, ALICE_SECRET,
                "/" + newBucket() + "/" + key, new byte[BODY_BYTES], SignedRequests.Payload.UNSIGNED,
                Clock.systemUTC(), Map.of("Expect", "100-continue", "x-amz-meta-" + REFUSE, "yes"));
        int before = UPSTREAM.refused().size();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(head(put).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 400");
            assertThat(new String(readBody(socket.getInputStream()), StandardCharsets.UTF_8))
                    .contains("<Code>InvalidArgument</Code>");
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (UPSTREAM.refused().size() == before && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(UPSTREAM.refused()).hasSize(before + 1);
        assertThat(UPSTREAM.refused().get(before)).isEqualTo(new RefusingUpstream.Refused(true, 0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/big", "plain/big"})
    void shouldAnswerUpstreamRefusalWhileBodyIsSent(String key) throws Exception {
        SignedRequests.Signed put = SignedRequests.put(endpoint(), ALICE_KEY, ALICE_SECRET,
                "/" + missingBucket() + "/" + key, new byte[BODY_BYTES], SignedRequests.Payload.UNSIGNED,
                Clock.systemUTC(), Map.of());
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head(put).getBytes(StandardCharsets.ISO_8859_1));
                    out.write(put.body());
                    out.flush();
                } catch (IOException closed) {
                    // s3seal may stop reading once it has answered: the answer is what counts
                }
            });
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 404");
            assertThat(new String(readBody(socket.getInputStream()), StandardCharsets.UTF_8))
                    .contains("<Code>NoSuchBucket</Code>");
            sending.cancel(true);
        }
    }

    private static String missingBucket() {
        return "missing-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private static String head(SignedRequests.Signed request) {
        StringBuilder head = new StringBuilder("PUT ").append(request.pathAndQuery()).append(" HTTP/1.1\r\n");
        request.headers().forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        return head.append("\r\n").toString();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** What follows the head until the connection closes or 2 KiB arrived (an error document is small). */
    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[512];
        int n;
        while (body.size() < 2048 && !body.toString(StandardCharsets.UTF_8).contains("</Error>")
                && (n = in.read(chunk)) > 0) {
            body.write(chunk, 0, n);
        }
        return body.toByteArray();
    }
}
