package dev.s3seal.auth.payload;

import static dev.s3seal.auth.ChunkedBodies.auth;
import static dev.s3seal.auth.ChunkedBodies.awsExampleContext;
import static dev.s3seal.auth.SigV4VerifierTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.auth.ChunkSigningContext;
import dev.s3seal.auth.ChunkedBodies;
import dev.s3seal.auth.PayloadMode;
import dev.s3seal.auth.RequestSigner;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies: AWS's documented example, then the tamper suite
 * (flipped bits, forged signatures, reordered chunks, truncation everywhere, hostile framing).
 */
public class AwsChunkedDecodingTest {

    private static final ChunkSigningContext AWS = awsExampleContext(ChunkedBodies.AWS_SEED);

    private static PayloadVerifier verifier(long decodedLength) {
        return PayloadVerifier.forRequest(
                auth(PayloadMode.STREAMING_SIGNED, AWS),
                RequestSigner.headers(
                        "x-amz-decoded-content-length",
                        Long.toString(decodedLength),
                        "content-encoding",
                        "aws-chunked"));
    }

    /** The body of AWS's "sigv4-streaming" PUT example, spelled out from the documented signatures. */
    static byte[] awsDocumentedBody() {
        byte[] a64k = new byte[65536];
        byte[] a1k = new byte[1024];
        Arrays.fill(a64k, (byte) 'a');
        Arrays.fill(a1k, (byte) 'a');
        return concat(
                ascii("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"),
                a64k,
                ascii("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"),
                a1k,
                ascii(
                        "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"));
    }

    @Test
    void shouldDecodeAwsDocumentedStreamingExample() {
        byte[] body = awsDocumentedBody();
        assertThat(body).hasSize(66824);
        byte[] decoded = ChunkedBodies.decode(verifier(66560), body, 8192);
        assertThat(decoded).hasSize(66560).containsOnly((byte) 'a');
    }

    @Test
    void shouldBuildExactlyTheAwsDocumentedBody() {
        byte[] payload = new byte[66560];
        Arrays.fill(payload, (byte) 'a');
        assertThat(ChunkedBodies.build(AWS, payload, 65536, Map.of())).isEqualTo(awsDocumentedBody());
    }

    @Test
    void shouldYieldSameBytesWhenInputIsRechunked() {
        byte[] payload = payload(5000);
        byte[] body = ChunkedBodies.build(AWS, payload, 1000, Map.of());
        for (int piece : new int[] {1, 2, 3, 7, 13, 64, 1001, 4093, body.length}) {
            assertThat(ChunkedBodies.decode(verifier(payload.length), body, piece))
                    .as("piece %d", piece)
                    .isEqualTo(payload);
        }
    }

    @Test
    void shouldRejectWhenChunkDataHasOneBitFlipped() {
        byte[] body = awsDocumentedBody();
        body[90 + 30000] ^= 0x01;
        assertCode(() -> ChunkedBodies.decode(verifier(66560), body, 4096), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldRejectWhenChunkSignatureTampered() {
        byte[] body = awsDocumentedBody();
        body[30] = (byte) (body[30] == 'f' ? 'e' : 'f');
        assertCode(() -> ChunkedBodies.decode(verifier(66560), body, 4096), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldRejectWhenFinalChunkSignatureTampered() {
        byte[] body = awsDocumentedBody();
        body[body.length - 10] ^= 0x01;
        assertThatThrownBy(() -> ChunkedBodies.decode(verifier(66560), body, 4096))
                .isInstanceOf(S3Exception.class);
    }

    @Test
    void shouldRejectWhenChunksAreReordered() {
        byte[] payload = payload(300);
        byte[] body = ChunkedBodies.build(AWS, payload, 100, Map.of());
        int chunk = 3 + 16 + 64 + 2 + 100 + 2;
        byte[] swapped = body.clone();
        System.arraycopy(body, chunk, swapped, 0, chunk);
        System.arraycopy(body, 0, swapped, chunk, chunk);
        assertCode(() -> ChunkedBodies.decode(verifier(300), swapped, 17), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldNeverPassWhenBodyIsTruncatedAnywhere() {
        byte[] payload = payload(40);
        byte[] body = ChunkedBodies.build(AWS, payload, 16, Map.of());
        for (int cut = 0; cut < body.length; cut++) {
            byte[] truncated = Arrays.copyOf(body, cut);
            assertThatThrownBy(() -> ChunkedBodies.decode(verifier(40), truncated, 5))
                    .as("cut at %d", cut)
                    .isInstanceOf(S3Exception.class);
        }
    }

    /** Flipping any single bit of a signed body with a signed trailer either fails or changes nothing decoded. */
    @Test
    void shouldNeverAcceptAlteredPayloadWhenAnyBitIsFlipped() {
        byte[] payload = payload(40);
        String crc = ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, payload);
        byte[] body = ChunkedBodies.build(AWS, payload, 16, Map.of("x-amz-checksum-crc32", crc));
        for (int bit = 0; bit < body.length * 8; bit++) {
            byte[] flipped = body.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            PayloadVerifier verifier = PayloadVerifier.forRequest(
                    auth(PayloadMode.STREAMING_SIGNED_TRAILER, AWS),
                    RequestSigner.headers(
                            "x-amz-decoded-content-length", "40", "x-amz-trailer", "x-amz-checksum-crc32"));
            try {
                assertThat(ChunkedBodies.decode(verifier, flipped, 7))
                        .as("bit %d", bit)
                        .isEqualTo(payload);
            } catch (S3Exception expected) {
                // rejected, as it should be
            }
        }
    }

    @Test
    void shouldRejectWhenChunksExceedDecodedLength() {
        byte[] body = ChunkedBodies.build(AWS, payload(100), 50, Map.of());
        assertCode(() -> ChunkedBodies.decode(verifier(60), body, 7), S3ErrorCode.INCOMPLETE_BODY);
    }

    @Test
    void shouldRejectWhenBytesFollowTheFinalChunk() {
        byte[] body = concat(ChunkedBodies.build(AWS, payload(10), 50, Map.of()), ascii("x"));
        assertCode(() -> ChunkedBodies.decode(verifier(10), body, 3), S3ErrorCode.INCOMPLETE_BODY);
    }

    @Test
    void shouldRejectWhenChunkHeaderLineIsEndless() {
        byte[] body = new byte[10_000];
        Arrays.fill(body, (byte) 'f');
        assertCode(() -> verifier(10).update(java.nio.ByteBuffer.wrap(body)), S3ErrorCode.INVALID_REQUEST);
    }

    @Test
    void shouldRejectMalformedFraming() {
        for (String bad : List.of(
                "zz;chunk-signature=" + "0".repeat(64) + "\r\n",
                "5\r\n",
                "5;chunk-signature=abc\r\n",
                "5;chunk-signature=" + "0".repeat(64) + "\n",
                "0000000000000005;chunk-signature=" + "0".repeat(64) + "\r\n")) {
            assertCode(() -> verifier(5).update(java.nio.ByteBuffer.wrap(ascii(bad))), S3ErrorCode.INVALID_REQUEST);
        }
    }

    @Test
    void shouldRejectWhenDataIsNotFollowedByCrlf() {
        byte[] body = ChunkedBodies.build(AWS, payload(10), 50, Map.of());
        body[3 + 16 + 64 + 2 + 10] = 'X';
        assertThatThrownBy(() -> ChunkedBodies.decode(verifier(10), body, 1)).isInstanceOf(S3Exception.class);
    }

    public static byte[] payload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return payload;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
