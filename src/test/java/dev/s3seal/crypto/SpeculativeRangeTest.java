package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpeculativeRangeTest {

    private static final int S = 65_536;
    private static final long FULL = S + 16;

    @Test
    void shouldAskFromByteZeroWhenTheRangeStartsInTheFirstSegment() {
        assertThat(SpeculativeRange.upstreamRange(10L, 99L, S))
                .contains("bytes=0-" + (91 + FULL - 1 + SpeculativeRange.MULTIPART_SLACK));
    }

    @Test
    void shouldAskForTheCoveringSegmentsOfAMiddleRange() {
        long first = 150_000;
        long last = 151_023;
        assertThat(SpeculativeRange.upstreamRange(first, last, S))
                .contains("bytes=" + (91 + 2 * FULL) + "-" + (91 + 3 * FULL - 1 + SpeculativeRange.MULTIPART_SLACK));
    }

    @Test
    void shouldAskToTheEndForAnOpenRange() {
        assertThat(SpeculativeRange.upstreamRange(200_000L, null, S)).contains("bytes=" + (91 + 3 * FULL) + "-");
    }

    @Test
    void shouldCoverEveryPlanOfASuffixWithTheAskedSuffix() {
        for (long length : new long[] {1, 100, S - 1, S, S + 1, 3 * S + 7, 10 * S}) {
            for (long suffix : new long[] {1, 16, 1024, S - 1, S, S + 1, 2 * S + 5}) {
                String asked = SpeculativeRange.upstreamRange(null, suffix, S).orElseThrow();
                long ciphertext = CiphertextSizes.ciphertextLength(length, S);
                long askedBytes = Long.parseLong(asked.substring("bytes=-".length()));
                SpeculativeRange.Window window =
                        new SpeculativeRange.Window(Math.max(0, ciphertext - askedBytes), ciphertext - 1);
                RangeMapping.RangePlan plan = RangeMapping.plan(
                        RangeMapping.resolve(null, suffix, length).orElseThrow(), S, length);
                assertThat(SpeculativeRange.use(window, 0, plan.ciphertextStart(), plan.ciphertextEndInclusive()))
                        .as("L=%d suffix=%d", length, suffix)
                        .isPresent();
            }
        }
    }

    @Test
    void shouldNotGuessForUnsatisfiableOrAbsurdRanges() {
        assertThat(SpeculativeRange.upstreamRange(null, 0L, S)).isEmpty();
        assertThat(SpeculativeRange.upstreamRange(10L, 5L, S)).isEmpty();
        assertThat(SpeculativeRange.upstreamRange(Long.MAX_VALUE - 1, null, S)).isEmpty();
        assertThat(SpeculativeRange.upstreamRange(null, Long.MAX_VALUE, S)).isPresent();
        assertThat(SpeculativeRange.upstreamRange(0L, Long.MAX_VALUE, S)).contains("bytes=0-");
    }

    @Test
    void shouldPreferTheHeaderInlineWhenTheWindowStartsBeforeIt() {
        assertThat(SpeculativeRange.use(new SpeculativeRange.Window(0, 1000), 0, 500, 900))
                .contains(new SpeculativeRange.Use(0, 901, true));
        assertThat(SpeculativeRange.use(new SpeculativeRange.Window(400, 1000), 0, 500, 900))
                .contains(new SpeculativeRange.Use(100, 401, false));
    }

    @Test
    void shouldRefuseAWindowThatMissesACoveringByte() {
        assertThat(SpeculativeRange.use(new SpeculativeRange.Window(600, 1000), 0, 500, 900))
                .isEqualTo(Optional.empty());
        assertThat(SpeculativeRange.use(new SpeculativeRange.Window(0, 899), 0, 500, 900))
                .isEqualTo(Optional.empty());
    }
}
