package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class FailureTrackerTest {

    @Test
    void shouldGoDownAfterThresholdConsecutiveFailuresAndUpAtTheNextSuccess() {
        FailureTracker tracker = new FailureTracker(3, Clock.systemUTC());
        assertThat(tracker.health().getStatus()).isEqualTo(Status.UP);

        tracker.failed("connect");
        tracker.failed("connect");
        assertThat(tracker.health().getStatus()).isEqualTo(Status.UP);
        tracker.failed("connect");
        assertThat(tracker.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(tracker.health().getDetails()).containsEntry("lastError", "connect");

        tracker.succeeded();
        assertThat(tracker.health().getStatus()).isEqualTo(Status.UP);
    }
}
