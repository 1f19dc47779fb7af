package dev.s3seal.auth;

import dev.s3seal.s3.QueryParameters;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What SigV4 needs of an incoming request. {@code rawPath} is the path exactly as received (still
 * percent-encoded), {@code rawQuery} the query string as received without '?' (null if none).
 * {@code headers}: lower-case names to values in arrival order.
 *
 * <p>{@code query} is {@code rawQuery} decoded by {@link QueryParameters#parse}: the gateway passes
 * the very parse {@code S3RequestParser} made, from which the upstream query is built, so the
 * signature is checked over exactly the parameters that are forwarded and the query is parsed once.
 */
public record SignedRequest(
        String method,
        String rawPath,
        @Nullable String rawQuery,
        @Nullable Map<String, List<String>> headers,
        QueryParameters query) {

    public SignedRequest {
        headers = headers == null ? Map.of() : headers;
    }

    /** A request whose query is decoded here (strictly: a malformed escape is {@code InvalidURI}). */
    public SignedRequest(
            String method, String rawPath, @Nullable String rawQuery, @Nullable Map<String, List<String>> headers) {
        this(method, rawPath, rawQuery, headers, QueryParameters.parse(rawQuery));
    }

    /** The first value of a header (name in lower case), or null. */
    public @Nullable String firstHeader(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The first value of a query parameter (case-sensitive name, as S3 treats X-Amz-*), a flag
     * without '=' read as the empty value SigV4 canonicalizes it to; null when absent.
     */
    @Nullable
    String queryValue(String name) {
        for (QueryParameters.Parameter p : query.all()) {
            if (p.name().equals(name)) {
                return p.value() == null ? "" : p.value();
            }
        }
        return null;
    }
}
