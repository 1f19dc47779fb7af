package dev.s3seal.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;

/**
 * Passive health of a dependency: it is DOWN once {@code threshold} consecutive calls failed and
 * UP again at the next success. Before any call it is UP (nothing says otherwise).
 */
final class FailureTracker {

    private record State(int consecutiveFailures, Instant lastSuccess, Instant lastFailure, String lastError) {}

    private final int threshold;
    private final Clock clock;
    private final AtomicReference<State> state = new AtomicReference<>(new State(0, null, null, null));

    FailureTracker(int threshold, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        this.threshold = threshold;
        this.clock = clock;
    }

    void succeeded() {
        Instant now = clock.instant();
        state.updateAndGet(s -> new State(0, now, s.lastFailure(), s.lastError()));
    }

    void failed(String error) {
        Instant now = clock.instant();
        state.updateAndGet(s -> new State(s.consecutiveFailures() + 1, s.lastSuccess(), now, error));
    }

    boolean healthy() {
        return state.get().consecutiveFailures() < threshold;
    }

    Instant lastAnswer() {
        State s = state.get();
        if (s.lastSuccess() == null) {
            return s.lastFailure();
        }
        return s.lastFailure() == null || s.lastSuccess().isAfter(s.lastFailure()) ? s.lastSuccess() : s.lastFailure();
    }

    Health health() {
        State s = state.get();
        Health.Builder builder = healthy() ? Health.up() : Health.down();
        builder.withDetail("consecutiveFailures", s.consecutiveFailures());
        if (s.lastSuccess() != null) {
            builder.withDetail("lastSuccess", s.lastSuccess().toString());
        }
        if (s.lastFailure() != null) {
            builder.withDetail("lastFailure", s.lastFailure().toString()).withDetail("lastError", s.lastError());
        }
        return builder.build();
    }
}
