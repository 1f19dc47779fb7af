package dev.s3seal.upstream;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.List;
import java.util.Map;

/**
 * What HTTP lets a header line hold (RFC 9110 5.1, 5.5): a name of token characters, values without
 * control characters but HTAB. The upstream connection writes names and values as they are, so a CR or
 * LF in either would end s3seal's header line and start one, or a whole request, that s3seal neither
 * signed nor decided on (a form field's value may hold them; a request header never can). Pure.
 */
public final class HeaderSyntax {

    private HeaderSyntax() {}

    /** Refuses headers that cannot be written as they are, as the client's mistake (they come only from its data). */
    public static void check(Map<String, List<String>> headers) {
        headers.forEach((name, values) -> {
            if (!isName(name) || !values.stream().allMatch(HeaderSyntax::isValue)) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT,
                        "A header name or value holds a character HTTP does not allow in a header.");
            }
        });
    }

    /** An RFC 9110 token. */
    public static boolean isName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!token) {
                return false;
            }
        }
        return true;
    }

    /** A field value: no control character but HTAB (so no CR, LF or NUL). */
    public static boolean isValue(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
