package dev.s3seal.auth;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What SigV4 needs of an incoming request. {@code rawPath} is the path exactly as received (still
 * percent-encoded), {@code rawQuery} the query string as received without '?' (null if none).
 * {@code headers}: lower-case names to values in arrival order.
 */
public record SignedRequest(
        String method,
        String rawPath,
        @Nullable String rawQuery,
        @Nullable Map<String, List<String>> headers) {

    public SignedRequest {
        headers = headers == null ? Map.of() : headers;
    }

    /** The first value of a header (name in lower case), or null. */
    public @Nullable String firstHeader(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
