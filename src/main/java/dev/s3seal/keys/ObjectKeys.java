package dev.s3seal.keys;

import dev.s3seal.policy.KeyDefinition;
import java.util.Map;
import java.util.Optional;

/**
 * Where the object handlers get data keys: for a new object under a rule, and for an object that
 * names how its data key was wrapped. {@code KeyRegistry} answers from the policy's keys; a request
 * that brings its own key (SSE-C emulated) answers from that key instead, so the upload, download
 * and multipart handlers work the same for both.
 */
public interface ObjectKeys {

    /** The provider that makes data keys for new objects under the rule's key ({@code ruleKey}). */
    KeyProvider writer(Optional<KeyDefinition> ruleKey);

    /** The provider that unwraps what {@code wrapped} says it is. */
    KeyProvider reader(WrappedKey wrapped);

    /**
     * The extra encryption context to read an object under when its envelope does not record one
     * (objects written before {@code s3seal-c} existed): what those versions looked up, the context
     * of the policy's key whose {@code key-id} is literally {@code keyId}. Never used for writes.
     */
    Map<String, String> legacyContextFor(String keyId);

    /**
     * Whether every read must open the object's data key, even one whose answer does not need it
     * (a HEAD): true when the key comes with the request, which must prove it is the object's.
     */
    default boolean openOnEveryRead() {
        return false;
    }
}
