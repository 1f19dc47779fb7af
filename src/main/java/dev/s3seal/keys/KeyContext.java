package dev.s3seal.keys;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Which object a data key belongs to. It becomes the KMS encryption context, or the associated data
 * of a local AES-GCM wrap, so a wrapped key unwraps only for its own object: copying ciphertext and
 * metadata under another bucket or key fails.
 *
 * <p>{@code key} is {@code null} only for a <em>bucket-scope</em> context ({@link #bucketScope}), used
 * for the key-encryption keys of {@link CachingKeyProvider}; such a context never names an object, so a
 * bucket-scope wrap cannot be passed off as an object's wrap (their KMS contexts differ).
 *
 * <p>{@code extra} is the rule's additional context, kept sorted and unmodifiable. Names starting with
 * {@code s3seal:} or {@code aws:} are reserved and refused.
 */
public record KeyContext(String bucket, @Nullable String key, Map<String, String> extra) {

    static final String RESERVED_PREFIX = "s3seal:";

    public KeyContext {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("bucket must not be empty");
        }
        if (key != null && key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        if (extra != null) {
            for (Map.Entry<String, String> e : extra.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "context name");
                if (name.startsWith(RESERVED_PREFIX) || name.startsWith("aws:")) {
                    throw new IllegalArgumentException("encryption context name is reserved: " + name);
                }
                sorted.put(name, Objects.requireNonNull(e.getValue(), "context value of " + name));
            }
        }
        extra = Collections.unmodifiableSortedMap(sorted);
    }

    /** A context for one object. */
    public static KeyContext of(String bucket, String key) {
        return new KeyContext(bucket, Objects.requireNonNull(key, "key"), Map.of());
    }

    /** A context for one object with the rule's extra context. */
    public static KeyContext of(String bucket, String key, Map<String, String> extra) {
        return new KeyContext(bucket, Objects.requireNonNull(key, "key"), extra);
    }

    /** A context naming a bucket (and the rule's extra context) but no object. */
    public static KeyContext bucketScope(String bucket, Map<String, String> extra) {
        return new KeyContext(bucket, null, extra);
    }

    /** This context without its object key. */
    public KeyContext toBucketScope() {
        return new KeyContext(bucket, null, extra);
    }

    public boolean isBucketScope() {
        return key == null;
    }

    /**
     * The extra context an object records with a key wrapped under this context (envelope entry
     * {@code s3seal-c}, docs/keys.md "Context binding"): the extra context for every KMS wrap (an
     * empty one too, so a context the policy adds later is not applied to it) and for any wrap with a
     * non-empty one; null (nothing recorded) otherwise.
     */
    public @Nullable Map<String, String> recordedWith(WrappedKey wrapped) {
        return WrappedKey.KMS.equals(wrapped.baseProvider()) || !extra.isEmpty() ? extra : null;
    }

    /**
     * The KMS encryption context: {@code s3seal:bucket}, {@code s3seal:key} (absent for bucket scope)
     * and the extra context.
     */
    public Map<String, String> toEncryptionContext() {
        TreeMap<String, String> ctx = new TreeMap<>(extra);
        ctx.put("s3seal:bucket", bucket);
        if (key != null) {
            ctx.put("s3seal:key", key);
        }
        return Collections.unmodifiableSortedMap(ctx);
    }
}
