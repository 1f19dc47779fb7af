package dev.s3seal.policy;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What to do with one request: the first rule that matched, its mode, the key definition it names
 * (if its mode takes one), its options, and a one-line reason for logs and the explain endpoint.
 */
public record PolicyDecision(Rule rule, Mode mode, Optional<KeyDefinition> key, RuleOptions options, String reason) {

    public boolean denied() {
        return mode == Mode.DENY;
    }

    /**
     * Whether s3seal encrypts the body in its own format under this decision: the client-side modes,
     * and {@code sse-c} when s3seal emulates it. Copies from or to such objects are made by s3seal.
     */
    public boolean encryptsBody() {
        return mode.clientSide() || emulatesSseC();
    }

    /** {@code sse-c} emulated by s3seal (the key never reaches the upstream). */
    public boolean emulatesSseC() {
        return mode == Mode.SSE_C && rule.sseCVariant() == SseCVariant.EMULATED;
    }

    /** The SSE-C variant for {@link Mode#SSE_C} decisions, otherwise null. */
    public @Nullable SseCVariant sseCVariant() {
        return rule.sseCVariant();
    }
}
