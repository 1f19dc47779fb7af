package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sealed checksum ({@code s3seal-x}): opens only for its data key, length, part count, algorithm and type. */
class SealedChecksumTest {

    private static final byte[] KEY = filled(32, 7);
    private static final byte[] OTHER_KEY = filled(32, 8);
    private static final SealedChecksum.Checksum SHA256 = new SealedChecksum.Checksum(
            SealedChecksum.Algorithm.SHA256, SealedChecksum.Type.FULL_OBJECT, filled(32, 3));
    private static final SealedChecksum.Checksum COMPOSITE_CRC32 =
            new SealedChecksum.Checksum(SealedChecksum.Algorithm.CRC32, SealedChecksum.Type.COMPOSITE, filled(4, 9));

    @Test
    void shouldOpenWhatItSealedForTheSameKeyLengthAndParts() {
        SealedChecksum.Checksum opened = SealedChecksum.open(KEY, SealedChecksum.seal(KEY, SHA256, 1000, 0), 1000, 0);
        assertThat(opened.algorithm()).isEqualTo(SealedChecksum.Algorithm.SHA256);
        assertThat(opened.type()).isEqualTo(SealedChecksum.Type.FULL_OBJECT);
        assertThat(opened.value()).isEqualTo(SHA256.value());
        assertThat(SealedChecksum.open(KEY, SealedChecksum.seal(KEY, COMPOSITE_CRC32, 9, 2), 9, 2)
                        .value())
                .isEqualTo(COMPOSITE_CRC32.value());
    }

    @Test
    void shouldFailForAnotherKeyLengthOrPartCount() {
        byte[] sealed = SealedChecksum.seal(KEY, COMPOSITE_CRC32, 5000, 2);
        assertThatThrownBy(() -> SealedChecksum.open(OTHER_KEY, sealed, 5000, 2))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> SealedChecksum.open(KEY, sealed, 5001, 2))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> SealedChecksum.open(KEY, sealed, 5000, 3))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void shouldFailForEveryFlippedBit() {
        byte[] sealed = SealedChecksum.seal(KEY, COMPOSITE_CRC32, 77, 0);
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] edited = sealed.clone();
            edited[bit / 8] ^= (byte) (1 << (bit % 8));
            // a flipped algorithm or type byte may also make the shape invalid: refused either way
            assertThatThrownBy(() -> SealedChecksum.open(KEY, edited, 77, 0))
                    .as("bit %d", bit)
                    .isInstanceOfAny(AuthenticationFailedException.class, IllegalArgumentException.class);
        }
    }

    @Test
    void shouldTravelInTheEnvelopeAndBeRefusedOnAPendingUpload() {
        byte[] sealed = SealedChecksum.seal(KEY, SHA256, 10, 0);
        EnvelopeMetadata envelope = new EnvelopeMetadata(
                        1, "local", "master", "1", filled(60, 1), 10, 65536, null, null, null, null)
                .withSealedChecksum(sealed);
        Map<String, String> headers = envelope.toHeaders();
        assertThat(headers)
                .containsEntry("x-amz-meta-s3seal-x", Base64.getEncoder().encodeToString(sealed));
        EnvelopeMetadata parsed = EnvelopeMetadata.fromHeaders(headers);
        assertThat(parsed.openChecksum(KEY).value()).isEqualTo(SHA256.value());

        assertThatThrownBy(() -> new EnvelopeMetadata(
                                1,
                                "local",
                                "master",
                                "1",
                                filled(60, 1),
                                EnvelopeMetadata.PENDING_LENGTH,
                                65536,
                                null,
                                null,
                                null,
                                null)
                        .withSealedChecksum(sealed))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] truncated = Arrays.copyOf(sealed, sealed.length - 1);
        assertThatThrownBy(() -> envelope.withSealedChecksum(truncated)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
