package dev.s3seal.web;

import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_KEY;
import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.RefusingUpstream;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.TestPolicies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An upstream that refuses a large body before reading it ({@link RefusingUpstream} in front of
 * S3Proxy refuses every PUT of a key named {@code ...refused...} on its head, as S3 refuses wrong
 * SSE-C parameters or a bad signature; a missing bucket is S3Proxy's own refusal) must be heard by
 * the client as that refusal, not as a 503 or a reset, in the streamed modes alike: {@code public/}
 * is passthrough, everything else cse-local. A client that asked {@code Expect: 100-continue} gets
 * the refusal in place of the 100, so neither it nor s3seal sends a byte of the body; one that did
 * not gets the refusal while sending. Not a {@link dev.s3seal.testsupport.ProxyIntegrationTest}:
 * its upstream would replace this one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EarlyUpstreamErrorsIT {

    private static final int BODY_BYTES = 8 * 1024 * 1024;
    private static final RefusingUpstream UPSTREAM =
            RefusingUpstream.inFrontOf(S3ProxyServer.filesystemStore().endpoint());

    @LocalServerPort
    int port;

    @TempDir
    Path workDir;

    @DynamicPropertySource
    static void refusingUpstream(DynamicPropertyRegistry registry) throws IOException {
        UPSTREAM.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        // these cases are about bodies s3seal streams: a cse-* PutObject up to the held-body bound is held whole
        // and gets s3seal's own 100 Continue (design.md, "Small-body budget"), so the bound is set below BODY_BYTES
        registry.add("s3seal.limits.max-held-body", () -> "1MB");
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    /** What the upstream accepts still goes through whole, small (no 100-continue) and large (after the store's 100). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/accepted", "plain/accepted"})
    void shouldStoreSdkPutsThatTheUpstreamAccepts(String key) {
        String bucket = newBucket();
        try (S3Client client = alice()) {
            for (int size : new int[] {6, BODY_BYTES}) {
                client.putObject(b -> b.bucket(bucket).key(key + size), RequestBody.fromBytes(new byte[size]));
                assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key + size))
                                .asByteArray())
                        .hasSize(size);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/big", "plain/big"})
    void shouldAnswerNoSuchBucketToSdkPutIntoMissingBucket(String key) {
        try (S3Client client = alice()) {
            S3Exception refused = catchThrowableOfType(
                    S3Exception.class,
                    () -> client.putObject(
                            b -> b.bucket(missingBucket()).key(key), RequestBody.fromBytes(new byte[BODY_BYTES])));
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket");
        }
    }

    /** The SDK at its defaults asks for 100-continue: the refusal comes in its place, and no body went upstream. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalToSdkPutWithoutSendingBody(String key) throws InterruptedException {
        String bucket = newBucket();
        int before = UPSTREAM.refused().size();
        try (S3Client client = alice()) {
            S3Exception refused = catchThrowableOfType(
                    S3Exception.class,
                    () -> client.putObject(
                            b -> b.bucket(bucket).key(key), RequestBody.fromBytes(new byte[BODY_BYTES])));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        }
        assertThat(refusedSince(before)).containsExactly(new RefusingUpstream.Refused(true, 0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalToSdkUploadPartWithoutSendingBody(String key) throws InterruptedException {
        String bucket = newBucket();
        try (S3Client client = alice()) {
            String uploadId =
                    client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            int before = UPSTREAM.refused().size();
            S3Exception refused = catchThrowableOfType(
                    S3Exception.class,
                    () -> client.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                            RequestBody.fromBytes(new byte[BODY_BYTES])));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
            assertThat(refusedSince(before)).containsExactly(new RefusingUpstream.Refused(true, 0));
        }
    }

    /** The AWS CLI (botocore) asks for 100-continue on PutObject and UploadPart ({@code s3 cp} of 8 MiB is multipart). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalToAwsCli(String key) throws IOException, InterruptedException {
        String bucket = newBucket();
        Path file = workDir.resolve("eight-mib");
        Files.write(file, new byte[BODY_BYTES]);
        CliClients cli = new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir);
        int before = UPSTREAM.refused().size();
        for (Command.Result result : List.of(
                cli.awsAllowingFailure(
                        "s3api", "put-object", "--bucket", bucket, "--key", key, "--body", file.toString()),
                cli.awsAllowingFailure("s3", "cp", file.toString(), "s3://" + bucket + "/" + key))) {
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output())
                    .contains("InvalidArgument")
                    .doesNotContain("ServiceUnavailable")
                    .doesNotContainIgnoringCase("reset");
        }
        // the PutObject and the UploadPart, each refused before a byte of its body went upstream
        assertThat(refusedSince(before, 2))
                .containsExactly(new RefusingUpstream.Refused(true, 0), new RefusingUpstream.Refused(true, 0));
    }

    /**
     * The upstream refuses on the head: the client that expects 100-continue gets that refusal in
     * place of a 100, and neither it nor s3seal sent a byte of the body.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalInsteadOfContinue(String key) throws Exception {
        SignedRequests.Signed put = SignedRequests.put(
                endpoint(),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + newBucket() + "/" + key,
                new byte[BODY_BYTES],
                SignedRequests.Payload.UNSIGNED,
                Clock.systemUTC(),
                Map.of("Expect", "100-continue"));
        int before = UPSTREAM.refused().size();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(head(put).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 400");
            assertThat(new String(readBody(socket.getInputStream()), StandardCharsets.UTF_8))
                    .contains("<Code>InvalidArgument</Code>");
        }
        assertThat(refusedSince(before)).containsExactly(new RefusingUpstream.Refused(true, 0));
    }

    /** A client that does not wait for 100 hears the refusal while it sends (s3seal reads and drops the rest). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public/refused", "plain/refused"})
    void shouldAnswerUpstreamRefusalWhileBodyIsSent(String key) throws Exception {
        SignedRequests.Signed put = SignedRequests.put(
                endpoint(),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + newBucket() + "/" + key,
                new byte[BODY_BYTES],
                SignedRequests.Payload.UNSIGNED,
                Clock.systemUTC(),
                Map.of());
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
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 400");
            assertThat(new String(readBody(socket.getInputStream()), StandardCharsets.UTF_8))
                    .contains("<Code>InvalidArgument</Code>");
            sending.cancel(true);
        }
    }

    /** Requests refused since {@code before}, once their connections closed (each closes soon after its answer). */
    private static List<RefusingUpstream.Refused> refusedSince(int before) throws InterruptedException {
        return refusedSince(before, 1);
    }

    /** As {@link #refusedSince(int)}, waiting (boundedly) for {@code expected} of them. */
    private static List<RefusingUpstream.Refused> refusedSince(int before, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (UPSTREAM.refused().size() < before + expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        List<RefusingUpstream.Refused> all = UPSTREAM.refused();
        return all.subList(before, all.size());
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private S3Client alice() {
        return S3Clients.sync(endpoint(), ALICE_KEY, ALICE_SECRET);
    }

    private String newBucket() {
        String bucket = "early-" + UUID.randomUUID().toString().substring(0, 12);
        try (S3Client client = alice()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    private static String missingBucket() {
        return "missing-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private static String head(SignedRequests.Signed request) {
        StringBuilder head =
                new StringBuilder("PUT ").append(request.pathAndQuery()).append(" HTTP/1.1\r\n");
        request.headers()
                .forEach(h -> head.append(h.getKey())
                        .append(": ")
                        .append(h.getValue())
                        .append("\r\n"));
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
        while (body.size() < 2048
                && !body.toString(StandardCharsets.UTF_8).contains("</Error>")
                && (n = in.read(chunk)) > 0) {
            body.write(chunk, 0, n);
        }
        return body.toByteArray();
    }
}
