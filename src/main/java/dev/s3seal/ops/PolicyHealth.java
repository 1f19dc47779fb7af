package dev.s3seal.ops;

import dev.s3seal.policy.file.PolicyHolder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness contributor {@code s3sealPolicy}: UP when a policy is in force. A bad file at startup
 * stops s3seal, and a refused reload keeps the last good policy, so this is UP once started; a
 * refused reload shows in the details (and in {@code s3seal_policy_reloads_total{result="failed"}}).
 */
public final class PolicyHealth implements HealthIndicator {

    private final PolicyHolder policy;

    public PolicyHealth(PolicyHolder policy) {
        this.policy = policy;
    }

    @Override
    public Health health() {
        if (policy.engine() == null) {
            return Health.down().withDetail("policy", "not loaded").build();
        }
        Health.Builder builder = Health.up()
                .withDetail("source", policy.file().map(Object::toString).orElse("built-in"))
                .withDetail("rules", policy.policy().rules().size())
                .withDetail("reloads", policy.reloadSuccesses())
                .withDetail("failedReloads", policy.reloadFailures());
        policy.lastReloadError().ifPresent(error -> builder.withDetail("lastReloadError", error));
        return builder.build();
    }
}
