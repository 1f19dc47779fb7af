package dev.s3seal.config;

import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.limits.BodyBudget;
import dev.s3seal.ops.KmsHealth;
import dev.s3seal.ops.OpsMeterBinders;
import dev.s3seal.ops.OpsRequestObserver;
import dev.s3seal.ops.PolicyHealth;
import dev.s3seal.ops.RequestObserver;
import dev.s3seal.ops.UpstreamHealth;
import dev.s3seal.ops.UpstreamProbe;
import dev.s3seal.ops.audit.AuditFileAppender;
import dev.s3seal.ops.audit.AuditLog;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Metrics, audit log and readiness. Health contributor names come from the bean names
 * ({@code s3sealPolicy}, {@code s3sealUpstream}, {@code s3sealKms}); application.yml puts them in the
 * readiness group only, so liveness never depends on the upstream or KMS.
 *
 * <p>Properties: {@code s3seal.ops.upstream-probe-interval} (default 10s, 0 turns the probe off),
 * {@code s3seal.ops.unhealthy-after-failures} (default 3 consecutive failures), {@code s3seal.audit.file}.
 */
@Configuration(proxyBeanMethods = false)
class OpsConfiguration {

    @Bean
    AuditLog auditLog() {
        return new AuditLog();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("s3seal.audit.file")
    AuditFileAppender auditFileAppender(@Value("${s3seal.audit.file}") String file) {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new InvalidConfigurationException(
                    "s3seal.audit.file", "directory " + parent + " does not exist; create it or choose another file");
        }
        return new AuditFileAppender(Path.of(file));
    }

    @Bean
    KmsHealth s3sealKms(PolicyHolder policy, @Value("${s3seal.ops.unhealthy-after-failures:3}") int threshold) {
        return new KmsHealth(policy, positive(threshold), Clock.systemUTC());
    }

    @Bean
    UpstreamHealth s3sealUpstream(
            MeterRegistry registry, @Value("${s3seal.ops.unhealthy-after-failures:3}") int threshold) {
        return new UpstreamHealth(registry, positive(threshold), Clock.systemUTC());
    }

    @Bean
    PolicyHealth s3sealPolicy(PolicyHolder policy) {
        return new PolicyHealth(policy);
    }

    @Bean(destroyMethod = "close")
    UpstreamProbe upstreamProbe(
            UpstreamClient upstream,
            UpstreamHealth health,
            @Value("${s3seal.ops.upstream-probe-interval:10s}") Duration interval) {
        UpstreamProbe probe = new UpstreamProbe(upstream, health, interval, Clock.systemUTC());
        probe.start();
        return probe;
    }

    @Bean
    RequestObserver requestObserver(MeterRegistry registry, AuditLog audit, KmsHealth kms) {
        return new OpsRequestObserver(registry, audit, kms, Clock.systemUTC());
    }

    @Bean
    OpsMeterBinders opsMeterBinders(KeyRegistries keys, PolicyHolder policy, BodyBudget heldBodies) {
        return new OpsMeterBinders(keys, policy, heldBodies);
    }

    private static int positive(int threshold) {
        if (threshold < 1) {
            throw new InvalidConfigurationException(
                    "s3seal.ops.unhealthy-after-failures", "must be at least 1, was " + threshold);
        }
        return threshold;
    }
}
