package dev.s3seal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.policy.PolicyException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

class PolicyFailureAnalyzerTest {

    @Test
    void shouldReportOneLineWhenPolicyFileIsBadAtStartup() {
        var failure = new BeanCreationException(
                "policyHolder",
                "failed",
                new PolicyException(
                        "/etc/policy.yaml", 14, "rule 'logs' uses key 'audit' which is not defined under keys"));

        FailureAnalysis analysis = new PolicyFailureAnalyzer().analyze(failure);

        assertThat(analysis.getDescription())
                .isEqualTo(
                        "Invalid policy file: /etc/policy.yaml:14: rule 'logs' uses key 'audit' which is not defined under keys");
    }

    @Test
    void shouldFailStartupWhenPolicyFileIsBad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path policy = dir.resolve("policy.yaml");
        java.nio.file.Files.writeString(policy, "rules:\n  - name: only\n    buckets: b\n    mode: deny\n");
        var application = new org.springframework.boot.builder.SpringApplicationBuilder(
                        dev.s3seal.S3SealApplication.class)
                .properties(
                        "server.port=0",
                        "management.server.port=0",
                        "s3seal.upstream.endpoint=http://127.0.0.1:1",
                        "s3seal.clients[0].access-key-id=a",
                        "s3seal.clients[0].secret-access-key=b",
                        "s3seal.policy=" + policy);

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> application.run().close());

        assertThat(org.springframework.core.NestedExceptionUtils.getRootCause(failure))
                .isInstanceOf(PolicyException.class)
                .hasMessage(policy + ":2: no default rule: the last rule must have no buckets, key-prefixes,"
                        + " key-globs, principals or operations, so that every request matches a rule");
    }

    @Test
    void shouldBeRegisteredWhenSpringBootLoadsFailureAnalyzers() {
        // Other analyzers need constructor arguments that only a running application supplies: skip them.
        var skipOthers = SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {});
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, null, skipOthers))
                .anyMatch(PolicyFailureAnalyzer.class::isInstance);
    }
}
