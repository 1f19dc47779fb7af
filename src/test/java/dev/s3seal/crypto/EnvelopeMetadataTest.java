package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeMetadataTest {

    private static final byte[] KEY = new byte[32];

    private static EnvelopeMetadata maximal() {
        String arn = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        byte[] wrapped = new byte[184]; // a KMS ciphertext blob for a 32-byte key
        wrapped[0] = 1;
        long[] parts = new long[10_000];
        java.util.Arrays.fill(parts, 64L << 20);
        parts[9_999] = 7;
        byte[] manifest = MultipartManifest.of(parts, 65536).seal(KEY);
        return new EnvelopeMetadata(
                1,
                "kms",
                arn,
                "v123",
                wrapped,
                ObjectFormat.MAX_PLAINTEXT_LENGTH - 1,
                65536,
                EnvelopeMetadata.sealMd5(KEY, new byte[16], 5),
                10_000,
                manifest,
                null);
    }

    @Test
    void shouldRoundTripThroughHeadersWhenAllFieldsAreSet() {
        EnvelopeMetadata m = maximal();
        Map<String, String> headers = m.toHeaders();
        assertThat(headers.keySet()).allMatch(EnvelopeMetadata::isReserved);
        assertThat(EnvelopeMetadata.fromHeaders(headers)).isEqualTo(m);
        assertThat(EnvelopeMetadata.encodedSize(headers)).isLessThan(EnvelopeMetadata.MAX_ENCODED_BYTES);
        assertThat(m.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(m.wrappedKey()));
    }

    @Test
    void shouldRoundTripWhenOptionalFieldsAreMissingAndHeaderCaseDiffers() {
        EnvelopeMetadata m =
                new EnvelopeMetadata(1, "local", "master", null, new byte[] {1, 2, 3}, 0, 16, null, null, null, null);
        Map<String, String> headers = new LinkedHashMap<>();
        m.toHeaders().forEach((k, v) -> headers.put(k.toUpperCase(), v));
        headers.put("Content-Type", "text/plain");
        headers.put("x-amz-meta-user", "kept out");
        assertThat(EnvelopeMetadata.fromHeaders(headers)).isEqualTo(m);
    }

    @Test
    void shouldRecognizeReservedHeaderNamesCaseInsensitively() {
        assertThat(EnvelopeMetadata.isReserved("X-Amz-Meta-S3Seal-k")).isTrue();
        assertThat(EnvelopeMetadata.isReserved("x-amz-meta-s3seal-anything")).isTrue();
        assertThat(EnvelopeMetadata.isReserved("x-amz-meta-s3sealx")).isFalse();
        assertThat(EnvelopeMetadata.isReserved("x-amz-meta-other")).isFalse();
        assertThat(EnvelopeMetadata.isReserved(null)).isFalse();
    }

    @Test
    void shouldRoundTripPendingUploadWithoutLengthAndRefuseFinalEntriesOnIt() {
        EnvelopeMetadata pending = new EnvelopeMetadata(
                1,
                "local",
                "master",
                "1",
                new byte[] {1, 2, 3},
                EnvelopeMetadata.PENDING_LENGTH,
                65536,
                null,
                null,
                null,
                null);
        assertThat(pending.isPending()).isTrue();
        assertThat(pending.toHeaders()).doesNotContainKey("x-amz-meta-s3seal-l");
        assertThat(EnvelopeMetadata.fromHeaders(pending.toHeaders())).isEqualTo(pending);
        assertThatThrownBy(() -> new EnvelopeMetadata(
                        1,
                        "local",
                        "master",
                        "1",
                        new byte[] {1},
                        EnvelopeMetadata.PENDING_LENGTH,
                        65536,
                        null,
                        2,
                        new byte[21],
                        null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EnvelopeMetadata(
                        1, "local", "master", "1", new byte[] {1}, -2, 65536, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseMalformedEntriesWhenParsing() {
        Map<String, String> good = maximal().toHeaders();
        for (String[] change : new String[][] {
            {"x-amz-meta-s3seal-v", "2"},
            {"x-amz-meta-s3seal-v", null},
            {"x-amz-meta-s3seal-l", "-1"},
            {"x-amz-meta-s3seal-l", "01"},
            {"x-amz-meta-s3seal-l", "99999999999999999999"},
            {"x-amz-meta-s3seal-s", "15"},
            {"x-amz-meta-s3seal-k", "not base64!"},
            {"x-amz-meta-s3seal-k", null},
            {"x-amz-meta-s3seal-n", "0"},
            {"x-amz-meta-s3seal-n", "10001"},
            {"x-amz-meta-s3seal-h", "AAAA"},
            {"x-amz-meta-s3seal-kp", "KMS"},
            {"x-amz-meta-s3seal-ki", "has space"},
            {"x-amz-meta-s3seal-zz", "1"}
        }) {
            Map<String, String> bad = new LinkedHashMap<>(good);
            if (change[1] == null) {
                bad.remove(change[0]);
            } else {
                bad.put(change[0], change[1]);
            }
            assertThatThrownBy(() -> EnvelopeMetadata.fromHeaders(bad))
                    .as("%s=%s", change[0], change[1])
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseMetadataAboveTheBudget() {
        assertThatThrownBy(() -> new EnvelopeMetadata(
                        1,
                        "kms",
                        "k".repeat(256),
                        "v".repeat(64),
                        new byte[512],
                        1,
                        65536,
                        new byte[44],
                        10,
                        new byte[600],
                        null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCarryTheStreamHeaderCopyOfASinglePartObjectWithinItsFixedSize() {
        byte[] header = SegmentEncryptor.forObject(KEY, 65536, 1000).header();
        EnvelopeMetadata m = new EnvelopeMetadata(
                        1, "local", "master", null, new byte[60], 1000, 65536, new byte[44], null, null, Map.of())
                .withStreamHeader(header);
        Map<String, String> headers = m.toHeaders();
        assertThat(headers)
                .containsEntry(
                        "x-amz-meta-s3seal-f", java.util.Base64.getEncoder().encodeToString(header));
        assertThat(EnvelopeMetadata.fromHeaders(headers).streamHeader()).isEqualTo(header);
        assertThat(EnvelopeMetadata.encodedSize(headers)
                        - EnvelopeMetadata.encodedSize(m.withStreamHeader(null).toHeaders()))
                .isEqualTo(EnvelopeMetadata.STREAM_HEADER_ENCODED_BYTES);
    }

    @Test
    void shouldRefuseAStreamHeaderCopyOfTheWrongSizeOrOnAMultipartObject() {
        Map<String, String> headers = new LinkedHashMap<>(
                new EnvelopeMetadata(1, "local", "master", null, new byte[60], 0, 16, null, null, null, null)
                        .toHeaders());
        headers.put("x-amz-meta-s3seal-f", java.util.Base64.getEncoder().encodeToString(new byte[90]));
        assertThatThrownBy(() -> EnvelopeMetadata.fromHeaders(headers)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> maximal().withStreamHeader(new byte[91])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldOpenTheSealedMd5OnlyWithTheSameKeyAndLength() {
        byte[] md5 = new byte[16];
        md5[3] = 9;
        byte[] sealed = EnvelopeMetadata.sealMd5(KEY, md5, 42);
        assertThat(sealed).hasSize(44).isNotEqualTo(EnvelopeMetadata.sealMd5(KEY, md5, 42));
        assertThat(EnvelopeMetadata.openMd5(KEY, sealed, 42)).isEqualTo(md5);
        byte[] other = new byte[32];
        other[31] = 1;
        assertThatThrownBy(() -> EnvelopeMetadata.openMd5(other, sealed, 42))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> EnvelopeMetadata.openMd5(KEY, sealed, 43))
                .isInstanceOf(AuthenticationFailedException.class);
    }
}
