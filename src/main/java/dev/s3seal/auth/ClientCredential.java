package dev.s3seal.auth;
import java.util.Set;
/** PLACEHOLDER until the auth branch lands. */
public record ClientCredential(String name, String accessKeyId, String secretAccessKey, Set<String> buckets) {
    public boolean mayUse(String bucket) { return buckets.contains("*") || buckets.contains(bucket); }
}
