package dev.s3seal.crypto.s3ec;

import static dev.s3seal.crypto.s3ec.S3ecException.Reason.AMBIGUOUS_FORMAT;
import static dev.s3seal.crypto.s3ec.S3ecException.Reason.MALFORMED_METADATA;
import static dev.s3seal.crypto.s3ec.S3ecException.Reason.MISSING_METADATA;
import static dev.s3seal.crypto.s3ec.S3ecException.Reason.UNSUPPORTED_ALGORITHM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.keys.s3ec.S3ecKeyUnwrapper;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Strict decoding: anything missing, unknown or contradictory is a typed error. */
class S3ecMetadataTest {

    private static final String B28 = Base64.getEncoder().encodeToString(new byte[28]);

    static Map<String, String> v3() {
        Map<String, String> m = new HashMap<>();
        m.put("x-amz-c", "115");
        m.put("x-amz-3", Base64.getEncoder().encodeToString(new byte[60]));
        m.put("x-amz-w", "12");
        m.put("x-amz-i", B28);
        m.put("x-amz-d", B28);
        m.put("x-amz-t", "{\"aws:x-amz-cek-alg\":\"115\",\"k\":\"v \\\"q\\\" \\u00e9\"}");
        return m;
    }

    static Map<String, String> v2() {
        Map<String, String> m = new HashMap<>();
        m.put("x-amz-key-v2", Base64.getEncoder().encodeToString(new byte[60]));
        m.put("x-amz-iv", Base64.getEncoder().encodeToString(new byte[12]));
        m.put("x-amz-cek-alg", "AES/GCM/NoPadding");
        m.put("x-amz-wrap-alg", "AES/GCM");
        m.put("x-amz-tag-len", "128");
        m.put("x-amz-matdesc", "{}");
        return m;
    }

    @Test
    void shouldDecodeV3WhenGivenUserMetadataOrRawHeaders() {
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(v3());
        assertThat(md.version()).isEqualTo(S3ecVersion.V3);
        assertThat(md.wrap()).isEqualTo(WrapAlgorithm.KMS_CONTEXT);
        assertThat(md.encryptionContext()).containsEntry("k", "v \"q\" \u00e9");
        Map<String, String> headers = new HashMap<>();
        v3().forEach((k, v) -> headers.put("X-Amz-Meta-" + k.toUpperCase(), v));
        headers.put("Content-Length", "99");
        assertThat(S3ecMetadata.fromHeaders(headers)).usingRecursiveComparison().isEqualTo(md);
        assertThat(S3ecMetadata.fromUserMetadata(md.toUserMetadata()))
                .usingRecursiveComparison()
                .isEqualTo(md);
        assertThat(md.toHeaders()).containsEntry("x-amz-meta-x-amz-c", "115");
    }

    @Test
    void shouldDecodeV2WhenWellFormed() {
        S3ecMetadata md =
                S3ecMetadata.fromUserMetadata(with(v2(), m -> m.put("x-amz-unencrypted-content-length", "5")));
        assertThat(md.version()).isEqualTo(S3ecVersion.V2);
        assertThat(md.contentIv()).hasSize(12);
        assertThat(md.unencryptedLength()).hasValue(5);
    }

    @Test
    void shouldRefuseWhenAnythingIsMissingOrUnknown() {
        for (String k : new String[] {"x-amz-c", "x-amz-3", "x-amz-w", "x-amz-i", "x-amz-d"}) {
            expect(with(v3(), m -> m.remove(k)), MISSING_METADATA, UNSUPPORTED_ALGORITHM);
        }
        for (String k : new String[] {
            "x-amz-key-v2", "x-amz-iv", "x-amz-cek-alg", "x-amz-wrap-alg", "x-amz-tag-len", "x-amz-matdesc"
        }) {
            expect(with(v2(), m -> m.remove(k)), MISSING_METADATA);
        }
        expect(with(v3(), m -> m.put("x-amz-c", "114")), UNSUPPORTED_ALGORITHM);
        expect(with(v3(), m -> m.put("x-amz-w", "kms+context")), UNSUPPORTED_ALGORITHM);
        expect(with(v3(), m -> m.put("x-amz-i", Base64.getEncoder().encodeToString(new byte[27]))), MALFORMED_METADATA);
        expect(with(v3(), m -> m.put("x-amz-d", "not base64!")), MALFORMED_METADATA);
        expect(with(v3(), m -> m.put("x-amz-t", "{\"a\":1}")), MALFORMED_METADATA);
        expect(with(v3(), m -> m.put("x-amz-t", "{\"a\":\"1\",\"a\":\"2\"}")), MALFORMED_METADATA);
        expect(with(v3(), m -> m.put("x-amz-t", "{\"a\":\"1\"} x")), MALFORMED_METADATA);
        expect(with(v3(), m -> m.put("x-amz-t", "=?UTF-8?B?e30=?=")), MALFORMED_METADATA);
        expect(with(v3(), m -> m.put("x-amz-m", "{}")), AMBIGUOUS_FORMAT);
        expect(with(v3(), m -> m.put("x-amz-iv", "AAAA")), AMBIGUOUS_FORMAT);
        expect(with(v2(), m -> m.put("x-amz-cek-alg", "AES/CBC/PKCS5Padding")), UNSUPPORTED_ALGORITHM);
        expect(with(v2(), m -> m.put("x-amz-wrap-alg", "kms")), UNSUPPORTED_ALGORITHM);
        expect(with(v2(), m -> m.put("x-amz-wrap-alg", "AESWrap")), UNSUPPORTED_ALGORITHM);
        expect(with(v2(), m -> m.put("x-amz-tag-len", "96")), UNSUPPORTED_ALGORITHM);
        expect(with(v2(), m -> m.put("x-amz-unencrypted-content-length", "-1")), MALFORMED_METADATA);
        expect(Map.of("x-amz-key", "AAAA", "x-amz-iv", "AAAA"), UNSUPPORTED_ALGORITHM);
        expect(with(v3(), m -> m.put("x-amz-crypto-instr-file", "")), UNSUPPORTED_ALGORITHM);
        expect(Map.of("content-type", "text/plain"), MISSING_METADATA);
    }

    @Test
    void shouldRefuseRsaWrappedKeysWhenUnwrapping() {
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(with(v3(), m -> {
            m.put("x-amz-w", "22");
            m.remove("x-amz-t");
        }));
        StepVerifier.create(S3ecKeyUnwrapper.aes(new SecretKeySpec(new byte[32], "AES"))
                        .unwrap(md))
                .expectErrorSatisfies(
                        e -> assertThat(((S3ecException) e).reason()).isEqualTo(UNSUPPORTED_ALGORITHM))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldRefuseKmsUnwrapWhenReservedAlgorithmEntryIsWrong() {
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(
                with(v3(), m -> m.put("x-amz-t", "{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}")));
        StepVerifier.create(
                        S3ecKeyUnwrapper.kms(null, null, Duration.ofSeconds(1)).unwrap(md))
                .expectError(S3ecException.class)
                .verify(Duration.ofSeconds(5));
    }

    private static Map<String, String> with(Map<String, String> base, Consumer<Map<String, String>> change) {
        Map<String, String> m = new HashMap<>(base);
        change.accept(m);
        return m;
    }

    private static void expect(Map<String, String> metadata, S3ecException.Reason... reasons) {
        assertThatThrownBy(() -> S3ecMetadata.fromUserMetadata(metadata))
                .as(metadata.toString())
                .isInstanceOf(S3ecException.class)
                .extracting(e -> ((S3ecException) e).reason())
                .isIn((Object[]) reasons);
    }
}
