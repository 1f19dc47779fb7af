package dev.s3seal.policy;

import java.util.Optional;

/**
 * What to do with one request: the first rule that matched, its mode, the key definition it names
 * (if its mode takes one), its options, and a one-line reason for logs and the explain endpoint.
 */
public record PolicyDecision(Rule rule, Mode mode, Optional<KeyDefinition> key, RuleOptions options,
        String reason) {

    public boolean denied() {
        return mode == Mode.DENY;
    }

    /** The SSE-C variant for {@link Mode#SSE_C} decisions, otherwise null. */
    public SseCVariant sseCVariant() {
        return rule.sseCVariant();
    }
}
