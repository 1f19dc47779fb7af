package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.md5;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.SignedRequests.Payload;
import dev.s3seal.testsupport.SignedRequests.Signed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad request gets the S3 error S3 would give, as an S3 error document, and nothing
 * is stored: each check looks at the upstream store directly.
 */
class BadRequestsIT extends ProxyIntegrationTest {

    private String bucket;
    private final byte[] body = randomBody(200_000);

    @BeforeEach
    void bucket() {
        bucket = newBucket();
    }

    @Test
    void shouldRefuseWrongSecretWithSignatureDoesNotMatch() throws IOException {
        Signed put = put("wrong-secret", ALICE_KEY, "not-the-secret", Payload.SIGNED, Clock.systemUTC(), Map.of());
        assertRefused(send(put), 403, "SignatureDoesNotMatch", "wrong-secret");
    }

    @Test
    void shouldRefuseUnknownAccessKeyWithInvalidAccessKeyId() throws IOException {
        Signed put = put("unknown-key", "nobody", "whatever", Payload.SIGNED, Clock.systemUTC(), Map.of());
        assertRefused(send(put), 403, "InvalidAccessKeyId", "unknown-key");
    }

    @Test
    void shouldRefuseSkewedDateWithRequestTimeTooSkewed() throws IOException {
        Clock skewed = Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
        Signed put = put("skewed", ALICE_KEY, ALICE_SECRET, Payload.SIGNED, skewed, Map.of());
        assertRefused(send(put), 403, "RequestTimeTooSkewed", "skewed");
    }

    @Test
    void shouldRefuseExpiredPresignedUrlWithAccessDenied() throws IOException {
        try (var client = alice()) {
            client.putObject(
                    b -> b.bucket(bucket).key("present"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("here"));
        }
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        String url = SignedRequests.presignedGet(
                endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/present", past, Duration.ofMinutes(5));
        RawHttp.Response response =
                RawHttp.send(port, "GET", url, List.of(Map.entry("Host", "127.0.0.1:" + port)), new byte[0], 0);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.errorCode()).isEqualTo("AccessDenied");
        assertThat(response.body()).doesNotContain("here");
    }

    @Test
    void shouldRefusePresignedUrlCarryingUnsignedAmzHeaders() throws IOException {
        try (var client = alice()) {
            client.putObject(
                    b -> b.bucket(bucket).key("presigned-target"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("here"));
        }
        String url = SignedRequests.presignedGet(
                endpoint(),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + bucket + "/presigned-target",
                Clock.systemUTC(),
                Duration.ofMinutes(5));
        RawHttp.Response response = RawHttp.send(
                port,
                "GET",
                url,
                List.of(
                        Map.entry("Host", "127.0.0.1:" + port),
                        Map.entry("x-amz-copy-source", bucket + "/presigned-target")),
                new byte[0],
                0);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.errorCode()).isEqualTo("AccessDenied");
    }

    @Test
    void shouldRefuseTamperedChunkWithSignatureDoesNotMatch() throws IOException {
        Signed put =
                put("tampered-chunk", ALICE_KEY, ALICE_SECRET, Payload.CHUNKED_SIGNED, Clock.systemUTC(), Map.of());
        byte[] tampered = put.body().clone();
        tampered[tampered.length / 2] ^= 0x01;
        assertRefused(send(put.withBody(tampered)), 403, "SignatureDoesNotMatch", "tampered-chunk");
    }

    @Test
    void shouldRefuseTamperedFinalChunkWithSignatureDoesNotMatch() throws IOException {
        Signed put = put(
                "tampered-last",
                ALICE_KEY,
                ALICE_SECRET,
                Payload.CHUNKED_SIGNED_CRC32_TRAILER,
                Clock.systemUTC(),
                Map.of());
        byte[] tampered = put.body().clone();
        int lastData = new String(tampered, StandardCharsets.ISO_8859_1).lastIndexOf("\r\n0;chunk-signature") - 1;
        tampered[lastData] ^= 0x40;
        assertRefused(send(put.withBody(tampered)), 403, "SignatureDoesNotMatch", "tampered-last");
    }

    @Test
    void shouldRefuseWrongTrailerChecksumWithBadDigest() throws IOException {
        Signed put = put(
                "bad-trailer",
                ALICE_KEY,
                ALICE_SECRET,
                Payload.CHUNKED_UNSIGNED_CRC32_TRAILER,
                Clock.systemUTC(),
                Map.of());
        String text = new String(put.body(), StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x-amz-checksum-crc32:") + "x-amz-checksum-crc32:".length();
        String original = text.substring(at, text.indexOf("\r\n", at));
        String wrong = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});
        assertThat(wrong).isNotEqualTo(original);
        byte[] tampered = (text.substring(0, at) + wrong + text.substring(at + original.length()))
                .getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(send(put.withBody(tampered)), 400, "BadDigest", "bad-trailer");
    }

    @Test
    void shouldRefuseWrongContentMd5WithBadDigest() throws IOException {
        String md5OfOther = Base64.getEncoder().encodeToString(md5("something else".getBytes(StandardCharsets.UTF_8)));
        Signed put = put(
                "bad-md5",
                ALICE_KEY,
                ALICE_SECRET,
                Payload.UNSIGNED,
                Clock.systemUTC(),
                Map.of("Content-MD5", md5OfOther));
        assertRefused(send(put), 400, "BadDigest", "bad-md5");
    }

    @Test
    void shouldRefuseWrongSignedPayloadHashWithXAmzContentSha256Mismatch() throws IOException {
        Signed put = put("bad-sha", ALICE_KEY, ALICE_SECRET, Payload.SIGNED, Clock.systemUTC(), Map.of());
        byte[] tampered = put.body().clone();
        tampered[tampered.length - 1] ^= 0x01;
        assertRefused(send(put.withBody(tampered)), 400, "XAmzContentSHA256Mismatch", "bad-sha");
    }

    @Test
    void shouldRefuseTruncatedBodyWithIncompleteBodyAndStoreNothing() throws IOException {
        Signed put = put("truncated", ALICE_KEY, ALICE_SECRET, Payload.UNSIGNED, Clock.systemUTC(), Map.of());
        RawHttp.Response response =
                RawHttp.send(port, "PUT", put.pathAndQuery(), put.headers(), put.body(), put.body().length - 1000);
        if (response.status() > 0) {
            assertThat(response.errorCode()).isEqualTo("IncompleteBody");
        }
        assertNotStored("truncated");
    }

    @Test
    void shouldRefuseMalformedAuthorizationHeader() throws IOException {
        for (String authorization : List.of(
                "AWS4-HMAC-SHA256 Credential=garbage",
                "AWS4-HMAC-SHA256 Credential=alice-key/20260101/us-east-1/s3/aws4_request, SignedHeaders=host",
                "Bearer abc")) {
            RawHttp.Response response = RawHttp.send(
                    port,
                    "PUT",
                    "/" + bucket + "/malformed",
                    List.of(
                            Map.entry("Host", "127.0.0.1:" + port),
                            Map.entry("Authorization", authorization),
                            Map.entry("x-amz-date", "20260101T000000Z"),
                            Map.entry("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                            Map.entry("Content-Length", "3")),
                    "abc".getBytes(StandardCharsets.UTF_8),
                    3);
            assertThat(response.status()).as(authorization).isBetween(400, 403);
            assertThat(response.errorCode())
                    .as(authorization)
                    .isIn("AuthorizationHeaderMalformed", "InvalidArgument", "AccessDenied", "InvalidRequest");
            assertThat(response.headers().get("content-type")).contains("xml");
        }
        assertNotStored("malformed");
    }

    @Test
    void shouldRefuseOversizedHeaderSection() throws IOException {
        Signed put = put(
                "oversized",
                ALICE_KEY,
                ALICE_SECRET,
                Payload.UNSIGNED,
                Clock.systemUTC(),
                Map.of("x-amz-meta-big", "x".repeat(10_000)));
        assertRefused(send(put), 400, "RequestHeaderSectionTooLarge", "oversized");
    }

    @Test
    void shouldRefuseBucketOutsideClientsGrantWithAccessDenied() throws IOException {
        Signed put = SignedRequests.put(
                endpoint(),
                BOB_KEY,
                BOB_SECRET,
                "/" + bucket + "/bob-was-here",
                body,
                Payload.SIGNED,
                Clock.systemUTC(),
                Map.of());
        assertRefused(send(put), 403, "AccessDenied", "bob-was-here");
    }

    private Signed put(
            String key, String accessKey, String secret, Payload payload, Clock clock, Map<String, String> headers) {
        return SignedRequests.put(
                endpoint(), accessKey, secret, "/" + bucket + "/" + key, body, payload, clock, headers);
    }

    private RawHttp.Response send(Signed request) throws IOException {
        return RawHttp.send(
                port,
                "PUT",
                request.pathAndQuery(),
                new ArrayList<>(request.headers()),
                request.body(),
                request.body().length);
    }

    private void assertRefused(RawHttp.Response response, int status, String code, String key) {
        assertThat(response.errorCode())
                .as("S3 error code; body: " + response.body())
                .isEqualTo(code);
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).contains("xml");
        assertThat(response.body()).doesNotContain("Exception", "at dev.s3seal");
        assertNotStored(key);
    }

    private void assertNotStored(String key) {
        assertThat(Files.exists(store().objectPath(bucket, key)))
                .as("stored upstream: " + key)
                .isFalse();
    }

    private static byte[] randomBody(int size) {
        byte[] data = new byte[size];
        new Random(9).nextBytes(data);
        return data;
    }
}
