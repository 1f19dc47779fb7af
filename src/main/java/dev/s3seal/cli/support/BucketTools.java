package dev.s3seal.cli.support;

import dev.s3seal.config.InvalidConfigurationException;
import dev.s3seal.config.S3SealProperties;
import dev.s3seal.config.UpstreamClients;
import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.Policy;
import dev.s3seal.policy.PolicyEngine;
import dev.s3seal.policy.PolicyException;
import dev.s3seal.policy.file.PolicyParser;
import dev.s3seal.upstream.UpstreamClient;
import java.nio.file.Path;

/**
 * What a bucket command works with, built from the proxy's own configuration ({@link ToolEnvironment}) by the
 * proxy's own classes: the policy file ({@code s3seal.policy}) and its engine, the policy's keys with their caches
 * ({@link KeyRegistry}, KMS from {@code s3seal.kms.*}), and the upstream client signed with s3seal's upstream
 * credentials ({@link UpstreamClients}). A configuration that does not load is a usage error (exit 2).
 */
public final class BucketTools implements AutoCloseable {

    private final PolicyEngine policy;
    private final KeyRegistry keys;
    private final UpstreamClient upstream;

    private BucketTools(PolicyEngine policy, KeyRegistry keys, UpstreamClient upstream) {
        this.policy = policy;
        this.keys = keys;
        this.upstream = upstream;
    }

    public static BucketTools open(ToolEnvironment environment) {
        S3SealProperties properties = environment.properties();
        if (properties.policy() == null || properties.policy().isBlank()) {
            throw CommandFailure.configuration("no policy file; set s3seal.policy (S3SEAL_POLICY) as for the proxy");
        }
        Policy policy;
        try {
            policy = PolicyParser.parse(Path.of(properties.policy()));
        } catch (PolicyException invalid) {
            throw CommandFailure.configuration(invalid.getMessage());
        }
        UpstreamClient upstream;
        try {
            upstream = UpstreamClients.forConfigured(properties.upstream());
        } catch (InvalidConfigurationException invalid) {
            throw CommandFailure.configuration(invalid.getMessage());
        }
        KeyRegistry keys;
        try {
            keys = new KeyRegistry(policy, environment.kmsSettings(null, null), KeyCacheSettings.defaults());
        } catch (RuntimeException unreadable) {
            throw CommandFailure.configuration("the policy's keys cannot be loaded: " + unreadable.getMessage());
        }
        return new BucketTools(new PolicyEngine(policy), keys, upstream);
    }

    public PolicyEngine policy() {
        return policy;
    }

    public KeyRegistry keys() {
        return keys;
    }

    public UpstreamClient upstream() {
        return upstream;
    }

    @Override
    public void close() {
        keys.close();
    }
}
