package dev.s3seal.s3.form;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.Locale;

/** The boundary of a {@code multipart/form-data} body, from its Content-Type (RFC 7578, RFC 2046). */
public final class FormBoundary {

    private static final String FORM_DATA = "multipart/form-data";
    private static final int MAX_LENGTH = 70;

    private FormBoundary() {}

    /** True when {@code contentType} declares a form upload (what makes a bucket POST a PostObject). */
    public static boolean isFormData(String contentType) {
        return contentType != null
                && contentType.strip().toLowerCase(Locale.ROOT).startsWith(FORM_DATA);
    }

    /**
     * The boundary parameter; S3's error when the body is not a form or names no usable boundary. A
     * boundary never holds CR or LF (RFC 2046 bchars), which the parser's delimiter search relies on.
     */
    public static String of(String contentType) {
        if (!isFormData(contentType)) {
            throw new S3Exception(
                    S3ErrorCode.PRECONDITION_FAILED, "Bucket POST must be of the enclosure-type multipart/form-data");
        }
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.strip();
            int equals = trimmed.indexOf('=');
            if (equals > 0 && trimmed.substring(0, equals).strip().equalsIgnoreCase("boundary")) {
                String value = trimmed.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (value.isEmpty() || value.length() > MAX_LENGTH || !printableAscii(value)) {
                    break;
                }
                return value;
            }
        }
        throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
    }

    private static boolean printableAscii(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
