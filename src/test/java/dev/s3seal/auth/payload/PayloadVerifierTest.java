package dev.s3seal.auth.payload;

import static dev.s3seal.auth.ChunkedBodies.auth;
import static dev.s3seal.auth.SigV4VerifierTest.assertCode;
import static dev.s3seal.auth.payload.AwsChunkedDecodingTest.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.auth.ChunkSigningContext;
import dev.s3seal.auth.ChunkedBodies;
import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.PayloadMode;
import dev.s3seal.auth.RequestSigner;
import dev.s3seal.auth.SigV4Signing;
import dev.s3seal.s3.S3ErrorCode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whole-body promises: signed SHA-256, Content-MD5, flexible checksums in headers and trailers, lengths. */
class PayloadVerifierTest {

    private static final ChunkSigningContext CONTEXT = ChunkedBodies.awsExampleContext(ChunkedBodies.AWS_SEED);
    private static final byte[] PAYLOAD = payload(3000);

    private static PayloadVerifier plain(PayloadMode mode, String sha256, String... headers) {
        ClientCredential client = new ClientCredential("c", "k", "s", Set.of("*"));
        return PayloadVerifier.forRequest(new AuthResult(client, mode, sha256, null), RequestSigner.headers(headers));
    }

    private static PayloadVerifier trailed(PayloadMode mode, ChecksumAlgorithm algorithm) {
        return PayloadVerifier.forRequest(
                auth(mode, CONTEXT),
                RequestSigner.headers(
                        "x-amz-decoded-content-length",
                        Integer.toString(PAYLOAD.length),
                        "content-encoding",
                        "aws-chunked",
                        "x-amz-trailer",
                        algorithm.headerName(),
                        "x-amz-sdk-checksum-algorithm",
                        algorithm.name()));
    }

    private static byte[] trailedBody(ChunkSigningContext context, ChecksumAlgorithm algorithm, String value) {
        return ChunkedBodies.build(context, PAYLOAD, 1024, Map.of(algorithm.headerName(), value));
    }

    @Test
    void shouldPassSignedSha256Body() {
        PayloadVerifier v = plain(PayloadMode.SIGNED, SigV4Signing.sha256Hex(PAYLOAD), "content-length", "3000");
        assertThat(ChunkedBodies.decode(v, PAYLOAD, 999)).isEqualTo(PAYLOAD);
        assertThat(v.decodedLength()).isEqualTo(3000);
    }

    @Test
    void shouldRejectWhenSignedSha256DoesNotMatch() {
        PayloadVerifier v = plain(PayloadMode.SIGNED, SigV4Signing.EMPTY_SHA256_HEX, "content-length", "3000");
        assertCode(() -> ChunkedBodies.decode(v, PAYLOAD, 999), S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH);
    }

    @Test
    void shouldRejectWhenContentMd5IsWrongOrMalformed() {
        String md5 = Base64.getEncoder()
                .encodeToString(ChecksumAlgorithm.messageDigest("MD5").digest(PAYLOAD));
        assertThat(ChunkedBodies.decode(plain(PayloadMode.UNSIGNED, null, "content-md5", md5), PAYLOAD, 100))
                .isEqualTo(PAYLOAD);
        String wrong = Base64.getEncoder().encodeToString(new byte[16]);
        assertCode(
                () -> ChunkedBodies.decode(plain(PayloadMode.UNSIGNED, null, "content-md5", wrong), PAYLOAD, 100),
                S3ErrorCode.BAD_DIGEST);
        assertCode(() -> plain(PayloadMode.UNSIGNED, null, "content-md5", "not base64!"), S3ErrorCode.INVALID_DIGEST);
        assertCode(() -> plain(PayloadMode.UNSIGNED, null, "content-md5", "AAAA"), S3ErrorCode.INVALID_DIGEST);
    }

    @Test
    void shouldRejectWrongHeaderChecksumForEachAlgorithm() {
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String right = ChunkedBodies.checksum(a, PAYLOAD);
            assertThat(ChunkedBodies.decode(plain(PayloadMode.UNSIGNED, null, a.headerName(), right), PAYLOAD, 77))
                    .isEqualTo(PAYLOAD);
            String wrong = ChunkedBodies.checksum(a, new byte[1]);
            assertCode(
                    () -> ChunkedBodies.decode(plain(PayloadMode.UNSIGNED, null, a.headerName(), wrong), PAYLOAD, 77),
                    S3ErrorCode.BAD_DIGEST);
        }
    }

    @Test
    void shouldRejectMalformedOrMultipleChecksumHeaders() {
        assertCode(
                () -> plain(PayloadMode.UNSIGNED, null, "x-amz-checksum-crc32", "AAAAAAAA"),
                S3ErrorCode.INVALID_REQUEST);
        assertCode(
                () -> plain(
                        PayloadMode.UNSIGNED,
                        null,
                        "x-amz-checksum-crc32",
                        "AAAAAA==",
                        "x-amz-checksum-crc32c",
                        "AAAAAA=="),
                S3ErrorCode.INVALID_REQUEST);
        assertCode(
                () -> plain(PayloadMode.UNSIGNED, null, "x-amz-sdk-checksum-algorithm", "CRC32"),
                S3ErrorCode.INVALID_REQUEST);
    }

    @Test
    void shouldPassSignedTrailerForEachAlgorithm() {
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            byte[] body = trailedBody(CONTEXT, a, ChunkedBodies.checksum(a, PAYLOAD));
            assertThat(ChunkedBodies.decode(trailed(PayloadMode.STREAMING_SIGNED_TRAILER, a), body, 333))
                    .isEqualTo(PAYLOAD);
        }
    }

    @Test
    void shouldRejectWrongTrailerChecksumForEachAlgorithm() {
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            byte[] body = trailedBody(CONTEXT, a, ChunkedBodies.checksum(a, new byte[] {1}));
            assertCode(
                    () -> ChunkedBodies.decode(trailed(PayloadMode.STREAMING_SIGNED_TRAILER, a), body, 333),
                    S3ErrorCode.BAD_DIGEST);
            byte[] unsigned = trailedBody(null, a, ChunkedBodies.checksum(a, new byte[] {1}));
            assertCode(
                    () -> ChunkedBodies.decode(trailed(PayloadMode.STREAMING_UNSIGNED_TRAILER, a), unsigned, 333),
                    S3ErrorCode.BAD_DIGEST);
        }
    }

    @Test
    void shouldRejectWhenTrailerSignatureIsWrong() {
        byte[] body =
                trailedBody(CONTEXT, ChecksumAlgorithm.CRC32, ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, PAYLOAD));
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x-amz-trailer-signature:") + 30;
        body[at] = (byte) (body[at] == '0' ? '1' : '0');
        assertCode(
                () -> ChunkedBodies.decode(
                        trailed(PayloadMode.STREAMING_SIGNED_TRAILER, ChecksumAlgorithm.CRC32), body, 64),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldRejectWhenTrailerValueIsChangedButSignatureKept() {
        byte[] body =
                trailedBody(CONTEXT, ChecksumAlgorithm.CRC32, ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, PAYLOAD));
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x-amz-checksum-crc32:") + 21;
        body[at] = (byte) (body[at] == 'A' ? 'B' : 'A');
        assertCode(
                () -> ChunkedBodies.decode(
                        trailed(PayloadMode.STREAMING_SIGNED_TRAILER, ChecksumAlgorithm.CRC32), body, 64),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldRoundTripUnsignedTrailerVariantWhenRechunked() {
        byte[] body =
                trailedBody(null, ChecksumAlgorithm.CRC32C, ChunkedBodies.checksum(ChecksumAlgorithm.CRC32C, PAYLOAD));
        assertThat(new String(body, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("400\r\n");
        for (int piece : new int[] {1, 5, 1023, body.length}) {
            assertThat(ChunkedBodies.decode(
                            trailed(PayloadMode.STREAMING_UNSIGNED_TRAILER, ChecksumAlgorithm.CRC32C), body, piece))
                    .isEqualTo(PAYLOAD);
        }
    }

    @Test
    void shouldRejectWhenDeclaredTrailerIsMissingOrUndeclaredOneIsSent() {
        byte[] none = ChunkedBodies.build(null, PAYLOAD, 1024, Map.of());
        assertCode(
                () -> ChunkedBodies.decode(
                        trailed(PayloadMode.STREAMING_UNSIGNED_TRAILER, ChecksumAlgorithm.CRC32), none, 100),
                S3ErrorCode.INCOMPLETE_BODY);
        Map<String, String> two = new LinkedHashMap<>();
        two.put("x-amz-checksum-crc32", ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, PAYLOAD));
        two.put("x-amz-checksum-sha1", ChunkedBodies.checksum(ChecksumAlgorithm.SHA1, PAYLOAD));
        byte[] extra = ChunkedBodies.build(null, PAYLOAD, 1024, two);
        assertCode(
                () -> ChunkedBodies.decode(
                        trailed(PayloadMode.STREAMING_UNSIGNED_TRAILER, ChecksumAlgorithm.CRC32), extra, 100),
                S3ErrorCode.INVALID_REQUEST);
    }

    @Test
    void shouldRejectWhenPlainBodyIsShorterOrLongerThanContentLength() {
        assertCode(
                () -> ChunkedBodies.decode(plain(PayloadMode.UNSIGNED, null, "content-length", "3001"), PAYLOAD, 500),
                S3ErrorCode.INCOMPLETE_BODY);
        assertCode(
                () -> ChunkedBodies.decode(plain(PayloadMode.UNSIGNED, null, "content-length", "2999"), PAYLOAD, 500),
                S3ErrorCode.INCOMPLETE_BODY);
        assertThat(plain(PayloadMode.UNSIGNED, null).update(ByteBuffer.wrap(PAYLOAD)))
                .hasSize(1);
    }

    @Test
    void shouldRequireDecodedContentLengthForStreaming() {
        assertCode(
                () -> PayloadVerifier.forRequest(
                        auth(PayloadMode.STREAMING_SIGNED, CONTEXT),
                        Map.of("content-encoding", List.of("aws-chunked"))),
                S3ErrorCode.MISSING_CONTENT_LENGTH);
    }
}
