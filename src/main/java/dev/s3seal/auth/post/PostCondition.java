package dev.s3seal.auth.post;

import org.jspecify.annotations.Nullable;

/**
 * One condition of a POST policy. Field names are compared case-insensitively (they are kept lower
 * case); values are compared exactly.
 */
public sealed interface PostCondition {

    /** The form field the condition names; null for the length range. */
    @Nullable
    String fieldName();

    /** The condition as S3 quotes it in "Policy Condition failed" messages. */
    String describe();

    /** {@code {"field": "value"}} or {@code ["eq", "$field", "value"]}. */
    record Exact(String fieldName, String value) implements PostCondition {

        @Override
        public String describe() {
            return "[\"eq\", \"$" + fieldName + "\", \"" + value + "\"]";
        }
    }

    /**
     * {@code ["starts-with", "$field", "prefix"]}; an empty prefix admits any value. For Content-Type,
     * which may list several types separated by commas, every one must start with the prefix (as in S3).
     */
    record StartsWith(String fieldName, String prefix) implements PostCondition {

        @Override
        public String describe() {
            return "[\"starts-with\", \"$" + fieldName + "\", \"" + prefix + "\"]";
        }
    }

    /** {@code ["content-length-range", min, max]}: the file's length in bytes, both ends included. */
    record ContentLengthRange(long min, long max) implements PostCondition {

        @Override
        public @Nullable String fieldName() {
            return null;
        }

        @Override
        public String describe() {
            return "[\"content-length-range\", " + min + ", " + max + "]";
        }
    }
}
