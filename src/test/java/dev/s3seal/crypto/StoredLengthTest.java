package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredLengthTest {

    private static final int S = 65_536;

    private static EnvelopeMetadata envelope(long declaredLength, Integer partCount) {
        return new EnvelopeMetadata(
                1,
                "local",
                "master",
                null,
                new byte[] {1, 2, 3},
                declaredLength,
                S,
                null,
                partCount,
                partCount == null ? null : new byte[] {1},
                null);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {0, 1, 65_535, 65_536, 65_537, 200_000})
    void shouldAcceptADeclaredLengthThatTheStoredLengthGives(long length) {
        long stored = CiphertextSizes.ciphertextLength(length, S);
        assertThat(StoredLength.plaintextLength(envelope(length, null), stored, 0))
                .isEqualTo(length);
    }

    @ParameterizedTest(name = "declared {0} for 200,000 stored bytes")
    @ValueSource(longs = {0, 1, 199_000, 199_999, 200_001, 201_000, 5_000_000})
    void shouldRefuseADeclaredLengthThatDiffersFromTheStoredLengths(long declared) {
        long stored = CiphertextSizes.ciphertextLength(200_000, S);
        assertThatThrownBy(() -> StoredLength.plaintextLength(envelope(declared, null), stored, 0))
                .isInstanceOfSatisfying(
                        AuthenticationFailedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationFailedException.Reason.LENGTH_MISMATCH));
    }

    @Test
    void shouldRefuseAStoredLengthThatNoPlaintextLengthHasOrThatIsUnknown() {
        assertThatThrownBy(() -> StoredLength.plaintextLength(envelope(0, null), 91 + 15, 0))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> StoredLength.plaintextLength(envelope(0, null), -1, 0))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void shouldCheckAMultipartObjectByItsPartCountAndTheStoresEtag() {
        long[] parts = {5L * 1024 * 1024, 70_000};
        long total = parts[0] + parts[1];
        long stored = CiphertextSizes.multipartCiphertextLength(parts, S);

        assertThat(StoredLength.plaintextLength(envelope(total, 2), stored, 2)).isEqualTo(total);
        assertThat(StoredLength.plaintextLength(envelope(total, 2), stored, 0))
                .as("no -N to compare")
                .isEqualTo(total);
        assertThatThrownBy(() -> StoredLength.plaintextLength(envelope(total, 2), stored, 3))
                .as("s3seal-n edited: the ETag says otherwise")
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> StoredLength.plaintextLength(envelope(total - 1000, 2), stored, 2))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void shouldGiveTheClosedFormWithoutTheDeclaredLength() {
        long stored = CiphertextSizes.ciphertextLength(200_000, S);
        assertThat(StoredLength.closedForm(envelope(1, null), stored, 0)).isEqualTo(200_000);
    }
}
