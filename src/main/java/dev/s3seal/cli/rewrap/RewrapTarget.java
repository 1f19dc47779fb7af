package dev.s3seal.cli.rewrap;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import java.util.Map;
import java.util.Objects;

/**
 * The key a write under a rule uses now, as the envelope names it: the provider kind, the key id (a local key's
 * name, or the ARN KMS answers with, whatever alias the rule names), the version (local keys) and the extra context
 * the write records. Learnt by wrapping a throw-away key with the rule's own writer, so it is exactly what the proxy
 * would write today: a new active local version, another KMS key, an alias pointed elsewhere, a changed
 * {@code encryption-context}. An object whose envelope already names it is current and is skipped, which is what
 * makes a rerun resume.
 */
record RewrapTarget(String providerKind, String keyId, String keyVersion, Map<String, String> recordedContext) {

    /** The target a wrap under {@code context} produced. */
    static RewrapTarget of(WrappedKey wrapped, KeyContext context) {
        return new RewrapTarget(
                wrapped.baseProvider(), wrapped.keyId(), wrapped.keyVersion(), context.recordedWith(wrapped));
    }

    /** Whether {@code envelope}'s data key is wrapped under this key already (direct or layered, same context). */
    boolean isCurrent(EnvelopeMetadata envelope) {
        String kind = envelope.providerKind();
        String base = kind.endsWith("-layered") ? kind.substring(0, kind.length() - "-layered".length()) : kind;
        return base.equals(providerKind)
                && envelope.keyId().equals(keyId)
                && Objects.equals(envelope.keyVersion(), keyVersion)
                && Objects.equals(envelope.context(), recordedContext);
    }

    /** How an envelope names its key, for people: {@code local master/2}, {@code kms arn:...}. */
    static String describe(String providerKind, String keyId, String keyVersion) {
        String base =
                providerKind.endsWith("-layered") ? providerKind.substring(0, providerKind.length() - 8) : providerKind;
        return base + " " + keyId + (keyVersion == null ? "" : "/" + keyVersion);
    }

    String describe() {
        return describe(providerKind, keyId, keyVersion);
    }
}
