package dev.s3seal.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AuditTimeTest {

    @Test
    void shouldWriteEveryTimeExactlyAsInstantToStringDoes() {
        SplittableRandom random = new SplittableRandom(20261204);
        long second = Instant.parse("2026-12-03T21:00:00Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            // runs of the same second (the cached text) and jumps to others, whole to nanosecond fractions
            if (random.nextInt(10) == 0) {
                second =
                        random.nextLong(0, Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            } else if (random.nextInt(3) == 0) {
                second++;
            }
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant time = Instant.ofEpochSecond(second, nano);
            assertThat(AuditTime.format(time)).isEqualTo(time.toString());
        }
    }

    @Test
    void shouldWriteTheSecondOfEachTimeWhenTimesAlternateBetweenSeconds() {
        Instant a = Instant.parse("2026-12-03T21:00:05.000001Z");
        Instant b = Instant.parse("1999-12-31T23:59:59.120Z");
        for (int i = 0; i < 3; i++) {
            assertThat(AuditTime.format(a)).isEqualTo("2026-12-03T21:00:05.000001Z");
            assertThat(AuditTime.format(b)).isEqualTo("1999-12-31T23:59:59.120Z");
        }
    }
}
