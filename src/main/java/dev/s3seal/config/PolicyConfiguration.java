package dev.s3seal.config;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyFileWatcher;
import dev.s3seal.policy.PolicyHolder;

/**
 * The policy in force: read from {@code s3seal.policy} ({@code S3SEAL_POLICY}) at startup, where a
 * bad file stops s3seal with {@code "<file>:<line>: <problem>"}, and re-read when the file changes.
 * Without a policy file every request is {@code passthrough} (until the demo default moves to cse-local).
 */
@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

    static final Mode DEFAULT_MODE_WITHOUT_POLICY = Mode.PASSTHROUGH;

    @Bean
    PolicyHolder policyHolder(@Value("${s3seal.policy:}") String policyFile) {
        return new PolicyHolder(policyFile.isBlank() ? null : Path.of(policyFile), DEFAULT_MODE_WITHOUT_POLICY);
    }

    @Bean(destroyMethod = "close")
    PolicyFileWatcher policyFileWatcher(PolicyHolder policyHolder) {
        PolicyFileWatcher watcher = new PolicyFileWatcher(policyHolder, PolicyFileWatcher.DEFAULT_INTERVAL);
        watcher.start();
        return watcher;
    }
}
