package dev.s3seal.config;

import dev.s3seal.policy.PolicyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad policy file at startup into its one-line message instead of a bean-creation stack trace. */
class PolicyFailureAnalyzer extends AbstractFailureAnalyzer<PolicyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PolicyException cause) {
        return new FailureAnalysis(
                "Invalid policy file: " + cause.getMessage(),
                "Fix the policy file (see docs/policy.md) or unset s3seal.policy (S3SEAL_POLICY).",
                cause);
    }
}
