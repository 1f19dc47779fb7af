package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3SealMetersTest {

    @Test
    void shouldDocumentEveryMeterWithAUniqueS3sealName() {
        assertThat(Arrays.stream(S3SealMeters.values()).map(S3SealMeters::meterName))
                .doesNotHaveDuplicates()
                .allMatch(name -> name.startsWith("s3seal."));
        assertThat(S3SealMeters.values()).allMatch(m -> !m.description().isBlank());
    }

    @Test
    void shouldRefuseTagsOtherThanTheDocumentedOnes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> S3SealMeters.AUTH_FAILURES.counter(registry, "a", "b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> S3SealMeters.AUTH_FAILURES.timer(registry, "a"))
                .isInstanceOf(IllegalStateException.class);
        S3SealMeters.AUTH_FAILURES.counter(registry, "SignatureDoesNotMatch").increment();
        assertThat(registry.get("s3seal.auth.failures")
                        .tag("reason", "SignatureDoesNotMatch")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldPublishOnlyTheFixedLatencyBucketsPerTagCombination() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        S3SealMeters.REQUESTS
                .timer(registry, "GET_OBJECT", "cse-local", "success")
                .record(Duration.ofMillis(30));

        List<String> buckets = registry.scrape()
                .lines()
                .filter(l -> l.startsWith("s3seal_requests_seconds_bucket"))
                .toList();
        // the ten bounds and +Inf, not a percentile histogram's seventy-odd
        assertThat(buckets).hasSize(S3SealMeters.LATENCY_BUCKETS.size() + 1);
        assertThat(buckets)
                .anyMatch(l -> l.contains("le=\"0.05\"") && l.endsWith(" 1"))
                .anyMatch(l -> l.contains("le=\"120.0\""));
    }
}
