package dev.s3seal.web;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/** A client's request headers as s3seal reads them everywhere: lower-case names, values in arrival order. */
public final class ClientRequestHeaders {

    private ClientRequestHeaders() {}

    /**
     * Copies {@code received} into a map of lower-case names, refusing a header section over
     * {@link S3Gateway#MAX_HEADER_SECTION_BYTES}.
     *
     * <p>Iterates the underlying map rather than {@link HttpHeaders#forEach}, which first builds a
     * case-insensitive set of the names on every call. The result is the same: the underlying map's
     * {@code get} of a name returns the values of all its case variants (Netty's headers, Spring's
     * case-insensitive map), so the first spelling of a name gives all its values, in arrival order,
     * and later spellings of the same lower-case name are skipped, as that set skips them.
     */
    public static Map<String, List<String>> of(HttpHeaders received) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int size = 0;
        for (Map.Entry<String, List<String>> header : received.asMultiValueMap().entrySet()) {
            String name = header.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (headers.containsKey(lower)) {
                continue; // a case variant of a name already copied with all its values
            }
            List<String> values = header.getValue();
            if (values == null) {
                continue;
            }
            headers.put(lower, new ArrayList<>(values));
            for (String value : values) {
                size += name.length() + value.length() + 4;
            }
        }
        if (size > S3Gateway.MAX_HEADER_SECTION_BYTES) {
            throw new S3Exception(S3ErrorCode.REQUEST_HEADER_SECTION_TOO_LARGE);
        }
        return headers;
    }
}
