package dev.s3seal.auth.post;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a browser form upload, by lower-case name (S3 compares form field names
 * case-insensitively), without the file. A name sent twice is refused: the policy and the stored
 * object must not see two different values.
 */
public final class PostForm {

    private final Map<String, String> fields;

    private PostForm(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Builds the form from (name, value) pairs in the order sent. */
    public static PostForm of(Iterable<Map.Entry<String, String>> pairs) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : pairs) {
            String name = pair.getKey().toLowerCase(Locale.ROOT);
            if (fields.putIfAbsent(name, pair.getValue()) != null) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT, "Bucket POST may contain only one field named '" + name + "'.");
            }
        }
        return new PostForm(fields);
    }

    /** Every field by lower-case name, in the order sent. */
    public Map<String, String> fields() {
        return fields;
    }

    /** The value of {@code lowerCaseName}, or null. */
    public @Nullable String value(String lowerCaseName) {
        return fields.get(lowerCaseName);
    }

    public boolean has(String lowerCaseName) {
        return fields.containsKey(lowerCaseName);
    }

    /** A field S3 requires, or S3's InvalidArgument naming it. */
    public String required(String lowerCaseName) {
        String value = fields.get(lowerCaseName);
        if (value == null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "Bucket POST must contain a field named '" + lowerCaseName
                            + "'.  If it is specified, please check the order of the fields.");
        }
        return value;
    }

    /**
     * The object key: the {@code key} field with {@code ${filename}} replaced by the name the browser
     * gave the file (S3's substitution; without a file name it becomes empty).
     */
    public String key(@Nullable String fileName) {
        String key = required("key");
        String substituted = key.replace("${filename}", fileName == null ? "" : fileName);
        if (substituted.isEmpty()) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "User key must have a length greater than 0.");
        }
        return substituted;
    }
}
