package dev.s3seal.config;

import dev.s3seal.policy.Mode;
import dev.s3seal.policy.file.PolicyFileWatcher;
import dev.s3seal.policy.file.PolicyHolder;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The policy in force: read from {@code s3seal.policy} ({@code S3SEAL_POLICY}) at startup, where a
 * bad file stops s3seal with {@code "<file>:<line>: <problem>"}, and re-read when the file changes.
 * Without a policy file every request is {@code passthrough}, except in the no-configuration demo
 * (no upstream endpoint either), where every bucket is {@code cse-local} under a master key that
 * is generated on first start under {@code ./data/keys/}.
 */
@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

    static final Mode DEFAULT_MODE_WITHOUT_POLICY = Mode.PASSTHROUGH;

    @Bean
    PolicyHolder policyHolder(@Value("${s3seal.policy:}") String policyFile, S3SealProperties properties)
            throws java.io.IOException {
        if (policyFile.isBlank() && properties.upstream().embedded()) {
            return new PolicyHolder(demoPolicy(properties.demo().keyDirectory()));
        }
        return new PolicyHolder(policyFile.isBlank() ? null : Path.of(policyFile), DEFAULT_MODE_WITHOUT_POLICY);
    }

    /** The demo: cse-local everywhere, under a master key made on first start (kept 0600). */
    private static dev.s3seal.policy.Policy demoPolicy(Path keyDirectory) throws java.io.IOException {
        Path keyFile = keyDirectory.resolve("demo-v1.key").toAbsolutePath();
        if (dev.s3seal.keys.local.LocalMasterKey.generateFileIfMissing(keyFile)) {
            org.slf4j.LoggerFactory.getLogger(PolicyConfiguration.class)
                    .info("generated the demo master key {}", keyFile);
        }
        var key = new dev.s3seal.policy.KeyDefinition.LocalKey(
                "demo",
                java.util.List.of(new dev.s3seal.policy.KeyDefinition.LocalKeyVersion(1, keyFile.toString(), null)),
                1);
        return dev.s3seal.policy.Policy.defaultOnly(Mode.CSE_LOCAL, key);
    }

    @Bean(destroyMethod = "close")
    PolicyFileWatcher policyFileWatcher(PolicyHolder policyHolder) {
        PolicyFileWatcher watcher = new PolicyFileWatcher(policyHolder, PolicyFileWatcher.DEFAULT_INTERVAL);
        watcher.start();
        return watcher;
    }
}
