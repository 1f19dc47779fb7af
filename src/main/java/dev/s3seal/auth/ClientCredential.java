package dev.s3seal.auth;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A client of s3seal (never an upstream credential). {@code buckets}: allowed bucket names,
 * {@code "*"} = any. The secret never appears in {@link #toString()} so that logging a principal
 * cannot leak it.
 */
public record ClientCredential(
        String name,
        String accessKeyId,
        String secretAccessKey,
        @Nullable Set<String> buckets) {

    public ClientCredential {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        buckets = buckets == null ? Set.of() : Set.copyOf(buckets);
    }

    /** Whether this client may address {@code bucket} at all (policy still decides what it may do). */
    public boolean mayUse(@Nullable String bucket) {
        return buckets.contains("*") || (bucket != null && buckets.contains(bucket));
    }

    @Override
    public String toString() {
        return "ClientCredential[name=" + name + ", accessKeyId=" + accessKeyId + ", buckets=" + buckets + "]";
    }
}
