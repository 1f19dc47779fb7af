package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.RangeMapping.PlaintextRange;
import dev.s3seal.crypto.RangeMapping.RangePlan;
import org.junit.jupiter.api.Test;

class RangeMappingTest {

    @Test
    void shouldResolveS3RangeFormsWhenSatisfiable() {
        assertThat(RangeMapping.resolve(0L, 9L, 100)).contains(new PlaintextRange(0, 9));
        assertThat(RangeMapping.resolve(90L, 500L, 100)).contains(new PlaintextRange(90, 99));
        assertThat(RangeMapping.resolve(40L, null, 100)).contains(new PlaintextRange(40, 99));
        assertThat(RangeMapping.resolve(null, 10L, 100)).contains(new PlaintextRange(90, 99));
        assertThat(RangeMapping.resolve(null, 500L, 100)).contains(new PlaintextRange(0, 99));
    }

    @Test
    void shouldBeUnsatisfiableWhenStartIsPastTheEndOrSuffixIsZero() {
        assertThat(RangeMapping.resolve(100L, null, 100)).isEmpty();
        assertThat(RangeMapping.resolve(100L, 200L, 100)).isEmpty();
        assertThat(RangeMapping.resolve(null, 0L, 100)).isEmpty();
        assertThat(RangeMapping.resolve(0L, null, 0)).isEmpty();
        assertThat(RangeMapping.resolve(null, 5L, 0)).isEmpty();
        assertThatThrownBy(() -> RangeMapping.resolve(5L, 4L, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCoverExactlyTheNeededSegmentsForEveryRange() {
        int s = 16;
        for (long length = 1; length <= 5 * s + 1; length++) {
            long c = CiphertextSizes.ciphertextLength(length, s);
            for (long a = 0; a < length; a++) {
                for (long b = a; b < length; b++) {
                    RangePlan p = RangeMapping.plan(new PlaintextRange(a, b), s, length);
                    assertThat(p.firstSegment()).isEqualTo(a / s);
                    assertThat(p.lastSegment()).isEqualTo(b / s);
                    assertThat(p.ciphertextStart()).isEqualTo(91 + (a / s) * (s + 16));
                    long lastCtEnd = Math.min(91 + (b / s + 1) * (s + 16), c) - 1;
                    assertThat(p.ciphertextEndInclusive()).isEqualTo(lastCtEnd).isLessThan(c);
                    assertThat(p.skip()).isEqualTo(a % s);
                    assertThat(p.keep()).isEqualTo(b - a + 1);
                    assertThat(p.singleRequestWaste()).isEqualTo(p.ciphertextStart() - 91);
                    assertThat(p.startsAtFirstSegment()).isEqualTo(a < s);
                }
            }
        }
    }
}
