package dev.s3seal.web.envelope;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.policy.KeyDefinition;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link KeyContext} a data key is wrapped under on write and unwrapped under on read. A read
 * must use exactly the write's context, so the write records its extra context with the wrapped key
 * (envelope entry {@code s3seal-c}, multipart upload id) and the read takes it from there, never
 * from the current policy: a policy that renames the key (alias versus ARN) or changes its
 * {@code encryption-context} leaves existing objects readable.
 */
public final class ObjectContexts {

    private ObjectContexts() {}

    /** The context for a new data key of {@code bucket}/{@code key} under the rule's key. */
    public static KeyContext forWrite(String bucket, String key, Optional<KeyDefinition> ruleKey) {
        return KeyContext.of(bucket, key, extraOf(ruleKey));
    }

    /** The rule key's extra context: a KMS key's {@code encryption-context}, none for the others. */
    static Map<String, String> extraOf(Optional<KeyDefinition> ruleKey) {
        return ruleKey.filter(KeyDefinition.KmsKey.class::isInstance)
                .map(k -> ((KeyDefinition.KmsKey) k).encryptionContext())
                .orElse(Map.of());
    }

    /** What the envelope records for a key wrapped under {@code context} ({@link KeyContext#recordedWith}). */
    public static Map<String, String> recorded(WrappedKey wrapped, KeyContext context) {
        return context.recordedWith(wrapped);
    }

    /** The context to unwrap a stored object's key under: the recorded one, else the legacy lookup. */
    public static KeyContext forRead(ObjectKeys keys, String bucket, String key, EnvelopeMetadata envelope) {
        return forRead(keys, bucket, key, envelope.keyId(), envelope.context());
    }

    /** As {@link #forRead(ObjectKeys, String, String, EnvelopeMetadata)} for a key id and recorded context. */
    public static KeyContext forRead(
            ObjectKeys keys, String bucket, String key, String keyId, Map<String, String> recorded) {
        return KeyContext.of(bucket, key, recorded != null ? recorded : keys.legacyContextFor(keyId));
    }
}
