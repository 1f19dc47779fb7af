package dev.s3seal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything s3seal reads from configuration, bound from {@code s3seal.*} (so environment
 * variables such as {@code S3SEAL_UPSTREAM_ENDPOINT} work through relaxed binding).
 * Validation lives in {@link PropertiesValidator}, which names the bad key.
 */
@ConfigurationProperties("s3seal")
public record S3SealProperties(
        @DefaultValue Upstream upstream,
        @DefaultValue Kms kms,
        List<Client> clients,
        List<String> virtualHostDomains,
        @DefaultValue Demo demo,
        String policy,
        @DefaultValue Etag etag,
        @DefaultValue Limits limits) {

    public S3SealProperties {
        clients = clients == null ? List.of() : List.copyOf(clients);
        virtualHostDomains = virtualHostDomains == null ? List.of() : List.copyOf(virtualHostDomains);
    }

    /** The real S3 endpoint s3seal forwards to, and how it talks to it. */
    public record Upstream(
            String endpoint,
            @DefaultValue("us-east-1") String region,
            String accessKeyId,
            String secretAccessKey,
            Path caBundle,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("60s") Duration responseTimeout,
            @DefaultValue("20s") Duration idleTimeout,
            @DefaultValue("500") int maxConnections,
            @DefaultValue("30s") Duration pendingAcquireTimeout) {

        /** The embedded demo store runs only when no real upstream is configured. */
        public boolean embedded() {
            return endpoint == null || endpoint.isBlank();
        }
    }

    /** KMS for cse-kms data keys; credentials default to the AWS chain like the upstream's. */
    public record Kms(String endpoint, String region, String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "Kms[endpoint=" + endpoint + ", region=" + region + "]";
        }
    }

    /**
     * A client of s3seal. The secret comes inline (from an environment variable) or from a file
     * (a mounted Kubernetes secret); the client may use only the listed buckets ({@code *} = any).
     */
    public record Client(
            String name, String accessKeyId, String secretAccessKey, Path secretFile, Set<String> buckets) {
        @Override
        public String toString() {
            return "Client[name=" + name + ", accessKeyId=" + accessKeyId + "]";
        }
    }

    /**
     * Plaintext ETags under the client-side modes: seal the plaintext MD5 after a PutObject
     * without Content-MD5 (one server-side self-copy), and look plaintext ETags up for listings.
     */
    public record Etag(
            @DefaultValue("true") boolean sealMd5AfterPut,
            @DefaultValue("true") boolean listingLookups) {}

    /**
     * Limits that keep one slow or greedy client from starving the others. {@code headerReadTimeout}:
     * a connection whose request headers are not complete this long after it opened (or after the
     * previous response) is closed. {@code bodyIdleTimeout}: a request body without a byte for this
     * long fails with S3's {@code 400 RequestTimeout} and nothing is stored.
     * {@code maxConcurrentRequestsPerClient}: requests one principal may have in flight (each holds an
     * upstream connection); more get {@code 503 SlowDown}. Default: half the upstream pool.
     * {@code heldBodyBudget}: memory shared by all requests for PutObject bodies held whole so a
     * client-side PUT without Content-MD5 costs one upstream request; {@code maxHeldBody}: the largest
     * body held. Bodies beyond either stream and are sealed by a second request (0 turns holding off).
     * {@code sealKeepAliveAfter}: a CompleteMultipartUpload or a copy s3seal makes itself whose answer is not
     * ready this long commits a 200 and keeps the connection alive with whitespace until it is, as S3 does.
     */
    public record Limits(
            @DefaultValue("30s") Duration headerReadTimeout,
            @DefaultValue("30s") Duration bodyIdleTimeout,
            Integer maxConcurrentRequestsPerClient,
            @DefaultValue("64MB") DataSize heldBodyBudget,
            @DefaultValue("16MB") DataSize maxHeldBody,
            @DefaultValue("5s") Duration sealKeepAliveAfter) {

        /** The configured cap, or half of {@code upstreamMaxConnections} (at least 1). */
        public int maxConcurrentRequestsPerClient(int upstreamMaxConnections) {
            return maxConcurrentRequestsPerClient != null
                    ? maxConcurrentRequestsPerClient
                    : Math.max(1, upstreamMaxConnections / 2);
        }
    }

    /** The no-configuration demo: an embedded S3Proxy store with a ready bucket. */
    public record Demo(
            @DefaultValue("127.0.0.1") String storeHost,
            @DefaultValue("9000") int storePort,
            @DefaultValue("local") String storeAccessKeyId,
            @DefaultValue("local-secret") String storeSecretAccessKey,
            @DefaultValue("./data/s3") Path storeDirectory,
            @DefaultValue("./data/keys") Path keyDirectory,
            Path s3proxyJar,
            @DefaultValue("demo") String bucket,
            @DefaultValue("demo") String clientAccessKeyId,
            @DefaultValue("demo-secret") String clientSecretAccessKey) {}
}
