package dev.s3seal.web.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.crypto.SealedChecksum;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartUploadIdTest {

    private static final WrappedKey KEY = new WrappedKey("kms-layered", "alias/main", null, new byte[300]);

    @Test
    void shouldRoundTripUpstreamIdKeyAndSegmentSize() {
        MultipartUploadId id = new MultipartUploadId("abc.def-123", KEY, 65536, Map.of("team", "orders"));
        String encoded = id.encode();
        assertThat(encoded).startsWith("abc.def-123.").doesNotContain("=", "+", "/");
        assertThat(MultipartUploadId.decode(encoded)).isEqualTo(id);
        assertThat(MultipartUploadId.upstreamIdOf(encoded)).isEqualTo("abc.def-123");
        WrappedKey local = new WrappedKey("local", "master", "1", new byte[] {1, 2});
        assertThat(MultipartUploadId.decode(new MultipartUploadId("u", local, 16, null).encode())
                        .wrappedKey())
                .isEqualTo(local);
    }

    @Test
    void shouldReadIdsOfTheFirstVersionAsCarryingNoRecordedContext() {
        // 0x01 || BE32(16) || str("local") || str("master") || str("1") || bytes({1, 2}): issued before contexts were
        // recorded
        byte[] v1 = java.util.HexFormat.of()
                .parseHex("01" + "00000010" + "00056c6f63616c" + "00066d6173746572" + "000131" + "00020102");
        MultipartUploadId id = MultipartUploadId.decode(
                "up." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(v1));
        assertThat(id)
                .isEqualTo(new MultipartUploadId(
                        "up", new WrappedKey("local", "master", "1", new byte[] {1, 2}), 16, null));
        assertThat(MultipartUploadId.decode(new MultipartUploadId("up", KEY, 16, Map.of()).encode())
                        .context())
                .isEmpty();
    }

    @Test
    void shouldCarryTheChecksumTheUploadWasCreatedWith() {
        UploadChecksum checksum = new UploadChecksum(ChecksumAlgorithm.SHA256, SealedChecksum.Type.COMPOSITE);
        MultipartUploadId id = new MultipartUploadId("up", KEY, 65536, Map.of(), checksum);
        String encoded = id.encode();

        assertThat(MultipartUploadId.decode(encoded).checksum()).isEqualTo(checksum);
        // without one, the id keeps the version 2 form
        assertThat(new MultipartUploadId("up", KEY, 65536, Map.of()).encode()).isNotEqualTo(encoded);
        assertThat(MultipartUploadId.decode(new MultipartUploadId("up", KEY, 65536, Map.of()).encode())
                        .checksum())
                .isNull();
        // a combination S3 refuses (FULL_OBJECT SHA256) edited into an id is not one s3seal issued
        byte[] payload = java.util.Base64.getUrlDecoder().decode(encoded.substring(3));
        payload[payload.length - 1] = (byte) SealedChecksum.Type.FULL_OBJECT.ordinal();
        assertThatThrownBy(() -> MultipartUploadId.decode("up."
                        + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.NO_SUCH_UPLOAD));
    }

    @Test
    void shouldAnswerNoSuchUploadForIdsS3sealCannotHaveIssued() {
        String good = new MultipartUploadId("up", KEY, 65536, Map.of()).encode();
        String payload = good.substring(good.indexOf('.') + 1);
        for (String bad : List.of(
                "",
                "plain-upstream-id",
                "up.",
                ".x",
                "up.!!!",
                "up." + payload + "AA",
                "up." + payload.substring(0, payload.length() - 4),
                "up.AQAAABAA",
                "x".repeat(5000),
                "up." + java.util.Base64.getUrlEncoder().encodeToString("garbage".getBytes(StandardCharsets.UTF_8)))) {
            assertThatThrownBy(() -> MultipartUploadId.decode(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.NO_SUCH_UPLOAD));
        }
        assertThatThrownBy(() -> MultipartUploadId.decode(null)).isInstanceOf(S3Exception.class);
        assertThat(MultipartUploadId.upstreamIdOf("plain-upstream-id")).isEqualTo("plain-upstream-id");
    }
}
