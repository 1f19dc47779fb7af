package dev.s3seal.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.s3seal.policy.PolicyException;

class PolicyFailureAnalyzerTest {

    @Test
    void shouldReportOneLineWhenPolicyFileIsBadAtStartup() {
        var failure = new BeanCreationException("policyHolder", "failed",
                new PolicyException("/etc/policy.yaml", 14, "rule 'logs' uses key 'audit' which is not defined under keys"));

        FailureAnalysis analysis = new PolicyFailureAnalyzer().analyze(failure);

        assertThat(analysis.getDescription()).isEqualTo(
                "Invalid policy file: /etc/policy.yaml:14: rule 'logs' uses key 'audit' which is not defined under keys");
    }

    @Test
    void shouldBeRegisteredWhenSpringBootLoadsFailureAnalyzers() {
        // Other analyzers need constructor arguments that only a running application supplies: skip them.
        var skipOthers = SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> { });
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, null, skipOthers))
                .anyMatch(PolicyFailureAnalyzer.class::isInstance);
    }
}
