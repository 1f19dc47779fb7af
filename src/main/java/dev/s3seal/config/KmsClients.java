package dev.s3seal.config;

import dev.s3seal.keys.kms.KmsSettings;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How to reach KMS as {@code s3seal.kms.*} configures it, for the proxy ({@link ProxyConfiguration}) and for the
 * command-line tools, which run without Spring: one reading of the settings, so both reach the same KMS the same way.
 */
public final class KmsClients {

    private KmsClients() {}

    /**
     * Endpoint and region from the overrides when given (a tool's {@code --kms-endpoint}, {@code --kms-region}),
     * else from {@code s3seal.kms.*}, the region falling back to the upstream's; static credentials from
     * {@code s3seal.kms.access-key-id} / {@code secret-access-key}, else the AWS default chain.
     *
     * @throws InvalidConfigurationException when the endpoint is not a URI
     */
    public static KmsSettings settings(S3SealProperties properties, String endpointOverride, String regionOverride) {
        S3SealProperties.Kms kms = properties.kms();
        String endpoint = firstSet(endpointOverride, kms.endpoint());
        String region = firstSet(
                regionOverride, firstSet(kms.region(), properties.upstream().region()));
        KmsSettings settings;
        try {
            settings = KmsSettings.of(
                    endpoint == null ? null : URI.create(endpoint), region == null ? "us-east-1" : region);
        } catch (IllegalArgumentException bad) {
            throw new InvalidConfigurationException("s3seal.kms.endpoint", "invalid KMS endpoint " + endpoint);
        }
        if (kms.accessKeyId() != null && !kms.accessKeyId().isBlank()) {
            settings = settings.withCredentials(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(kms.accessKeyId(), kms.secretAccessKey())));
        }
        return settings;
    }

    private static String firstSet(String first, String second) {
        return first != null && !first.isBlank() ? first : second != null && !second.isBlank() ? second : null;
    }
}
