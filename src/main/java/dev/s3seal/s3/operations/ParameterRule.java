package dev.s3seal.s3.operations;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What value a query parameter of an S3 operation may carry, and its canonical form: the value
 * s3seal decides on and sends upstream. A value S3 would refuse gets the error S3 gives
 * ({@code 400 InvalidArgument}); a value S3 reads in one way only is sent in that one way.
 */
public enum ParameterRule {

    /** A sub-resource flag ({@code ?acl}, {@code ?uploads}): any value is ignored, sent without one. */
    FLAG {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            return null;
        }
    },
    /** Free text; a bare {@code ?prefix} is the empty string, as S3 reads it. */
    TEXT {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            return value == null ? "" : value;
        }
    },
    /** An identifier that must not be empty ({@code versionId}, {@code uploadId}, {@code id}). */
    NON_EMPTY {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            if (value == null || value.isEmpty()) {
                throw invalid(
                        name.equals("versionId")
                                ? "Version id cannot be the empty string"
                                : "The " + name + " parameter must not be empty.");
            }
            return value;
        }
    },
    /** A part number, 1 to 10,000. */
    PART_NUMBER {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            int number = integer(value, 1, 10_000, "Part number must be an integer between 1 and 10000, inclusive");
            return Integer.toString(number);
        }
    },
    /** A count or marker such as {@code max-keys}: an integer from 0. */
    NON_NEGATIVE_INTEGER {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            int number = integer(
                    value,
                    0,
                    Integer.MAX_VALUE,
                    name.equals("max-keys")
                            ? "Provided max-keys not an integer or within integer range"
                            : "Argument " + name + " must be an integer between 0 and 2147483647");
            return Integer.toString(number);
        }
    },
    /** {@code encoding-type}: S3 knows only {@code url}. */
    URL_ENCODING {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            if (!"url".equalsIgnoreCase(value)) {
                throw invalid("Invalid Encoding Method specified in Request");
            }
            return "url";
        }
    },
    /** {@code fetch-owner}: true or false. */
    BOOLEAN {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
                throw invalid("Invalid value for " + name + ": must be true or false.");
            }
            return lower;
        }
    },
    /** The value {@code 2}, the only one S3 defines for {@code list-type} and {@code select-type}. */
    TWO {
        @Override
        @Nullable
        String canonical(String name, @Nullable String value) {
            if (!"2".equals(value)) {
                throw invalid("Invalid " + name + " specified in Request: only 2 is supported.");
            }
            return "2";
        }
    };

    /** The canonical value, or {@link S3Exception} {@code InvalidArgument}; {@code value} is null for a bare name. */
    abstract @Nullable String canonical(String name, @Nullable String value);

    private static int integer(@Nullable String value, int min, int max, String message) {
        if (value == null
                || value.isEmpty()
                || value.length() > 10
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(message);
        }
        long number = Long.parseLong(value);
        if (number < min || number > max) {
            throw invalid(message);
        }
        return (int) number;
    }

    private static S3Exception invalid(String message) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message);
    }
}
