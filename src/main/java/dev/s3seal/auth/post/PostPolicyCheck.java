package dev.s3seal.auth.post;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Holds a form upload to its POST policy as S3 does: the policy has not expired, every condition
 * holds (the bucket and the key are those of the upload; the key after {@code ${filename}}), the
 * file's length is within {@code content-length-range}, and every field the form sends (but the
 * policy itself, the signature, the file and {@code x-ignore-*}) is named by a condition, so a form
 * cannot add what its signer did not allow. Pure.
 */
public final class PostPolicyCheck {

    private static final Set<String> UNCONDITIONED = Set.of("policy", "x-amz-signature", "file");

    private PostPolicyCheck() {}

    /** Throws S3's error for the first rule the upload breaks. */
    public static void check(
            PostPolicy policy, PostForm form, String bucket, String key, long fileLength, Instant now) {
        if (!now.isBefore(policy.expiration())) {
            throw denied("Policy expired.");
        }
        Set<String> conditioned = new HashSet<>();
        for (PostCondition condition : policy.conditions()) {
            if (condition instanceof PostCondition.ContentLengthRange range) {
                checkLength(range, fileLength);
                continue;
            }
            conditioned.add(condition.fieldName());
            String value = valueOf(condition.fieldName(), form, bucket, key);
            if (!holds(condition, value)) {
                throw denied("Policy Condition failed: " + condition.describe());
            }
        }
        for (Map.Entry<String, String> field : form.fields().entrySet()) {
            String name = field.getKey();
            if (!UNCONDITIONED.contains(name) && !name.startsWith("x-ignore-") && !conditioned.contains(name)) {
                throw denied("Extra input fields: " + name);
            }
        }
    }

    private static @Nullable String valueOf(String field, PostForm form, String bucket, String key) {
        return switch (field) {
            case "bucket" -> bucket;
            case "key" -> key;
            default -> form.value(field);
        };
    }

    private static boolean holds(PostCondition condition, @Nullable String value) {
        // a field the form leaves out is empty: only "" or a starts-with "" admits it
        String actual = value == null ? "" : value;
        if (condition instanceof PostCondition.Exact exact) {
            return actual.equals(exact.value());
        }
        PostCondition.StartsWith startsWith = (PostCondition.StartsWith) condition;
        if (startsWith.fieldName().equals("content-type")) {
            for (String type : actual.split(",", -1)) {
                if (!type.strip().startsWith(startsWith.prefix())) {
                    return false;
                }
            }
            return true;
        }
        return actual.startsWith(startsWith.prefix());
    }

    private static void checkLength(PostCondition.ContentLengthRange range, long fileLength) {
        if (fileLength > range.max()) {
            throw new S3Exception(
                    S3ErrorCode.ENTITY_TOO_LARGE, "Your proposed upload exceeds the maximum allowed size");
        }
        if (fileLength < range.min()) {
            throw new S3Exception(
                    S3ErrorCode.ENTITY_TOO_SMALL, "Your proposed upload is smaller than the minimum allowed size");
        }
    }

    private static S3Exception denied(String reason) {
        return new S3Exception(S3ErrorCode.ACCESS_DENIED, "Invalid according to Policy: " + reason);
    }
}
