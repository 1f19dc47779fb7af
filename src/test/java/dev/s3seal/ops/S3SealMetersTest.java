package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class S3SealMetersTest {

    @Test
    void shouldDocumentEveryMeterWithAUniqueS3sealName() {
        assertThat(Arrays.stream(S3SealMeters.values()).map(S3SealMeters::meterName))
                .doesNotHaveDuplicates().allMatch(name -> name.startsWith("s3seal."));
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
        assertThat(registry.get("s3seal.auth.failures").tag("reason", "SignatureDoesNotMatch").counter().count())
                .isEqualTo(1.0);
    }
}
