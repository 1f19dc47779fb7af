package dev.s3seal.ops;

import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.file.PolicyHolder;
import java.time.Clock;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness contributor {@code s3sealKms}: passive. Requests report key-service failures that a
 * retry could cure (unavailable, timeout, throttled) and successful {@code cse-kms} requests; after
 * {@code threshold} such failures in a row s3seal is not ready. Without a KMS key in the policy it is
 * always UP. No probe: a KMS call costs money and needs a key s3seal may only use for objects.
 */
public final class KmsHealth implements HealthIndicator {

    private final PolicyHolder policy;
    private final FailureTracker tracker;

    public KmsHealth(PolicyHolder policy, int threshold, Clock clock) {
        this.policy = policy;
        this.tracker = new FailureTracker(threshold, clock);
    }

    void succeeded() {
        tracker.succeeded();
    }

    void failed(String reason) {
        tracker.failed(reason);
    }

    @Override
    public Health health() {
        boolean usesKms = policy.policy().keys().values().stream().anyMatch(k -> k instanceof KeyDefinition.KmsKey);
        if (!usesKms) {
            return Health.up().withDetail("kms", "not used by the policy").build();
        }
        return tracker.health();
    }
}
