package dev.s3seal.cli.support;

import dev.s3seal.config.InvalidConfigurationException;
import dev.s3seal.config.KmsClients;
import dev.s3seal.config.S3SealProperties;
import dev.s3seal.keys.kms.KmsSettings;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The proxy's configuration, as the command-line tools see it: the same {@code s3seal.*} properties, bound
 * the same way (Spring's relaxed binding, so {@code S3SEAL_KMS_ENDPOINT}, {@code S3SEAL_POLICY},
 * {@code S3SEAL_UPSTREAM_ENDPOINT} and {@code -Ds3seal.kms.region=...} all work), without starting Spring.
 * A command's own options ({@code --kms-endpoint}, ...) win over these.
 *
 * <p>The file commands (decrypt, encrypt) use the KMS part; the bucket commands (verify) take the policy file
 * and the upstream from {@link #properties()} as well ({@link BucketTools}).
 */
public final class ToolEnvironment {

    private final S3SealProperties properties;

    private ToolEnvironment(S3SealProperties properties) {
        this.properties = properties;
    }

    /** From system properties and environment variables, as the proxy binds them. */
    public static ToolEnvironment fromSystem() {
        return new ToolEnvironment(
                Binder.get(new StandardEnvironment()).bindOrCreate("s3seal", S3SealProperties.class));
    }

    /** From explicit properties ({@code s3seal.kms.endpoint=...}): for tests, no environment read. */
    public static ToolEnvironment of(Map<String, String> properties) {
        return new ToolEnvironment(new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("s3seal", S3SealProperties.class));
    }

    public S3SealProperties properties() {
        return properties;
    }

    /**
     * How to reach KMS: endpoint and region from the options when given, else from {@code s3seal.kms.*}
     * (the region falling back to the upstream's, as in the proxy); static credentials from
     * {@code s3seal.kms.access-key-id} / {@code secret-access-key}, else the AWS default chain.
     */
    public KmsSettings kmsSettings(String endpointOption, String regionOption) {
        try {
            return KmsClients.settings(properties, endpointOption, regionOption);
        } catch (InvalidConfigurationException invalid) {
            throw CommandFailure.configuration(invalid.getMessage());
        }
    }
}
