package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MultipartManifestTest {

    private static final byte[] KEY = new byte[32];

    @Test
    void shouldRoundTripWhenLayoutIsRegular() {
        long[] parts = {8 << 20, 8 << 20, 8 << 20, 123};
        MultipartManifest m = MultipartManifest.of(parts, 65536);
        byte[] sealed = m.seal(KEY);
        assertThat(sealed).hasSize(5 + 2 * 10 + 16);
        MultipartManifest opened = MultipartManifest.open(sealed, KEY, 65536);
        assertThat(opened).isEqualTo(m);
        assertThat(opened.partCount()).isEqualTo(4);
        assertThat(opened.partLength(4)).isEqualTo(123);
        assertThat(opened.totalPlaintextLength()).isEqualTo(3L * (8 << 20) + 123);
    }

    @Test
    void shouldFailWhenAnyByteOrTheKeyChanges() {
        byte[] sealed = MultipartManifest.of(new long[] {64, 64, 1}, 64).seal(KEY);
        for (int i = 0; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= 1;
            assertThatThrownBy(() -> MultipartManifest.open(bad, KEY, 64))
                    .isInstanceOf(AuthenticationFailedException.class);
        }
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> MultipartManifest.open(sealed, other, 64))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void shouldRefuseIrregularLayouts() {
        assertThatThrownBy(() -> MultipartManifest.of(new long[] {5_000_000, 5_000_000, 1}, 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartManifest.of(new long[] {0, 64}, 64))
                .isInstanceOf(IllegalArgumentException.class);
        long[] tooManyRuns = new long[200];
        for (int i = 0; i < tooManyRuns.length; i++) {
            tooManyRuns[i] = 64L * (1 + i % 2);
        }
        assertThatThrownBy(() -> MultipartManifest.of(tooManyRuns, 64)).isInstanceOf(IllegalArgumentException.class);
    }
}
