package dev.s3seal.keys.kms;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * How {@link KmsKeyProvider} reaches KMS. The app binds {@code S3SEAL_KMS_ENDPOINT} to
 * {@code endpoint} and {@code S3SEAL_KMS_REGION} to {@code region}.
 *
 * @param endpoint     endpoint override, or {@code null} for the region's AWS endpoint
 * @param region       AWS region, required
 * @param credentials  static credentials, or {@code null} for the AWS default chain (IRSA, Pod Identity)
 * @param callTimeout  bound on each attempt (default 5s)
 * @param maxRetries   retries after the first attempt, only for retryable failures (default 2)
 * @param retryBackoff first backoff between attempts, doubled with jitter (default 100ms)
 * @param interceptors SDK interceptors added to every KMS client (the call-latency timer)
 */
public record KmsSettings(
        @Nullable URI endpoint,
        String region,
        @Nullable AwsCredentialsProvider credentials,
        @Nullable Duration callTimeout,
        int maxRetries,
        @Nullable Duration retryBackoff,
        @Nullable List<ExecutionInterceptor> interceptors) {

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);

    public KmsSettings {
        Objects.requireNonNull(region, "KMS region is required");
        callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
        retryBackoff = retryBackoff == null ? DEFAULT_RETRY_BACKOFF : retryBackoff;
        interceptors = interceptors == null ? List.of() : List.copyOf(interceptors);
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("KMS call timeout must be positive: " + callTimeout);
        }
        if (maxRetries < 0 || maxRetries > 10) {
            throw new IllegalArgumentException("KMS max retries must be within 0..10: " + maxRetries);
        }
    }

    public static KmsSettings of(URI endpoint, String region) {
        return new KmsSettings(
                endpoint, region, null, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BACKOFF, List.of());
    }

    public KmsSettings withCredentials(AwsCredentialsProvider provider) {
        return new KmsSettings(endpoint, region, provider, callTimeout, maxRetries, retryBackoff, interceptors);
    }

    public KmsSettings withCallTimeout(Duration timeout) {
        return new KmsSettings(endpoint, region, credentials, timeout, maxRetries, retryBackoff, interceptors);
    }

    public KmsSettings withRetries(int retries, Duration backoff) {
        return new KmsSettings(endpoint, region, credentials, callTimeout, retries, backoff, interceptors);
    }

    /** These settings with {@code added} appended to the SDK interceptors of every client built from them. */
    public KmsSettings withInterceptors(ExecutionInterceptor... added) {
        List<ExecutionInterceptor> all = new java.util.ArrayList<>(interceptors);
        all.addAll(List.of(added));
        return new KmsSettings(endpoint, region, credentials, callTimeout, maxRetries, retryBackoff, all);
    }
}
