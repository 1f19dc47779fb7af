package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CiphertextSizesTest {

    @ParameterizedTest
    @ValueSource(ints = {16, 17, 64, 256})
    void shouldInvertExactlyAndRefuseEveryOtherLengthWhenSizesAreSmall(int s) {
        Map<Long, Long> image = new HashMap<>();
        for (long l = 0; l <= 6L * s + 3; l++) {
            long c = CiphertextSizes.ciphertextLength(l, s);
            assertThat(c).isEqualTo(91 + l + 16 * Math.max(1, (l + s - 1) / s));
            assertThat(image.put(c, l)).as("injective at %d", l).isNull();
            assertThat(CiphertextSizes.plaintextLength(c, s)).isEqualTo(l);
        }
        for (long c = 0; c <= CiphertextSizes.ciphertextLength(6L * s + 3, s); c++) {
            long cc = c;
            if (!image.containsKey(c)) {
                assertThatThrownBy(() -> CiphertextSizes.plaintextLength(cc, s))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void shouldInvertLargeLengthsUpToFiveTebibytes() {
        long max = ObjectFormat.MAX_PLAINTEXT_LENGTH;
        Random random = new Random(42);
        for (int s : new int[] {16, 65536, 1 << 20, ObjectFormat.MAX_SEGMENT_SIZE}) {
            for (long l : new long[] {
                max,
                max - 1,
                max - s,
                max - s - 1,
                5L << 30,
                (5L << 30) + 1,
                1L << 32,
                (1L << 32) - 1,
                Integer.MAX_VALUE,
                (long) Integer.MAX_VALUE + 1
            }) {
                assertThat(CiphertextSizes.plaintextLength(CiphertextSizes.ciphertextLength(l, s), s))
                        .isEqualTo(l);
            }
            for (int i = 0; i < 10_000; i++) {
                long l = (random.nextLong() & Long.MAX_VALUE) % (max + 1);
                assertThat(CiphertextSizes.plaintextLength(CiphertextSizes.ciphertextLength(l, s), s))
                        .isEqualTo(l);
            }
        }
        assertThat(CiphertextSizes.ciphertextLength(max, 65536)).isEqualTo(91 + max + 16 * (max / 65536));
    }

    @Test
    void shouldRefuseLengthsOutsideTheFormat() {
        assertThatThrownBy(() -> CiphertextSizes.ciphertextLength(ObjectFormat.MAX_PLAINTEXT_LENGTH + 1, 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CiphertextSizes.ciphertextLength(-1, 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CiphertextSizes.ciphertextLength(1, 15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CiphertextSizes.plaintextLength(106, 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CiphertextSizes.plaintextLength(107, 65536)).isZero();
    }

    @Test
    void shouldInvertMultipartLengthsWhenLayoutIsRegular() {
        int s = 16;
        Random random = new Random(7);
        for (int parts = 1; parts <= 6; parts++) {
            for (int trial = 0; trial < 300; trial++) {
                long[] lengths = new long[parts];
                long total = 0;
                for (int i = 0; i < parts - 1; i++) {
                    lengths[i] = (long) s * (1 + random.nextInt(5));
                    total += lengths[i];
                }
                lengths[parts - 1] = random.nextInt(5 * s + 1); // may be empty
                total += lengths[parts - 1];
                long c = CiphertextSizes.multipartCiphertextLength(lengths, s);
                assertThat(CiphertextSizes.multipartPlaintextLength(c, parts, s))
                        .isEqualTo(total);
            }
        }
    }

    @Test
    void shouldUseRealPartSizesWithTheDefaultSegment() {
        int s = ObjectFormat.DEFAULT_SEGMENT_SIZE;
        for (long mib : new long[] {5, 8, 15, 16, 64}) {
            long part = mib << 20;
            long[] lengths = {part, part, part, 12345};
            long c = CiphertextSizes.multipartCiphertextLength(lengths, s);
            assertThat(CiphertextSizes.multipartPlaintextLength(c, 4, s)).isEqualTo(3 * part + 12345);
        }
        assertThatThrownBy(() -> CiphertextSizes.multipartCiphertextLength(new long[] {5_000_000, 10}, s))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
