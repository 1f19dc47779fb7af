package dev.s3seal.auth;

import dev.s3seal.s3.QueryParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds the SigV4 canonical request the way S3 does: the path is canonicalized once (decoded and
 * re-encoded, never double-encoded, never normalized: "//" and "/./" stay), the query is sorted,
 * header values are trimmed with inner runs of spaces collapsed and repeated headers joined by ','.
 */
public final class CanonicalRequest {

    private CanonicalRequest() {}

    /**
     * @param signedHeaders lower-case names exactly as listed in SignedHeaders, in that order
     * @param excludedQueryParameter {@code X-Amz-Signature} for presigned requests, else null
     */
    public static String of(
            SignedRequest request,
            List<String> signedHeaders,
            @Nullable String excludedQueryParameter,
            String payloadHash) {
        return of(
                request.method(),
                canonicalUri(request.rawPath()),
                canonicalQuery(request.query(), excludedQueryParameter),
                signedHeaders,
                name -> request.headers().get(name),
                payloadHash);
    }

    /**
     * The canonical request of a request s3seal signs itself (upstream): path and query already in
     * canonical form, {@code headers} the signed ones with lower-case names in sorted order.
     */
    public static String of(
            String method,
            String canonicalUri,
            String canonicalQuery,
            Map<String, List<String>> headers,
            String payloadHash) {
        return of(method, canonicalUri, canonicalQuery, List.copyOf(headers.keySet()), headers::get, payloadHash);
    }

    private static String of(
            String method,
            String canonicalUri,
            String canonicalQuery,
            List<String> signedHeaders,
            Function<String, List<String>> values,
            String payloadHash) {
        StringBuilder out = new StringBuilder(512);
        out.append(method).append('\n');
        out.append(canonicalUri).append('\n');
        out.append(canonicalQuery).append('\n');
        for (String name : signedHeaders) {
            out.append(name)
                    .append(':')
                    .append(canonicalHeaderValue(values.apply(name)))
                    .append('\n');
        }
        out.append('\n');
        out.append(String.join(";", signedHeaders)).append('\n');
        out.append(payloadHash);
        return out.toString();
    }

    /** One encoded parameter; ordered by encoded name, then encoded value (both ASCII). */
    private record EncodedParameter(String name, String value) implements Comparable<EncodedParameter> {
        @Override
        public int compareTo(EncodedParameter other) {
            int byName = name.compareTo(other.name);
            return byName != 0 ? byName : value.compareTo(other.value);
        }
    }

    /**
     * The SigV4 canonical query of decoded parameters: every name and value URI-encoded (a flag
     * without '=' has the empty value), sorted by encoded name then encoded value, repeated
     * parameters all kept, {@code excludedName} (the presigned signature itself) left out.
     */
    public static String canonicalQuery(QueryParameters query, @Nullable String excludedName) {
        List<QueryParameters.Parameter> all = query.all();
        if (all.isEmpty()) {
            return ""; // a header-signed request without a query
        }
        EncodedParameter[] encoded = new EncodedParameter[all.size()];
        int count = 0;
        int length = 0;
        for (QueryParameters.Parameter p : all) {
            if (!p.name().equals(excludedName)) {
                String value = p.value() == null ? "" : p.value();
                EncodedParameter e =
                        new EncodedParameter(UriEncoding.encode(p.name(), false), UriEncoding.encode(value, false));
                encoded[count++] = e;
                length += e.name().length() + e.value().length() + 2;
            }
        }
        Arrays.sort(encoded, 0, count);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append(encoded[i].name()).append('=').append(encoded[i].value());
        }
        return out.toString();
    }

    /** The path encoded exactly once with '/' kept; an empty path is "/". */
    public static String canonicalUri(@Nullable String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        return UriEncoding.encode(UriEncoding.decode(rawPath, false), true);
    }

    /** Trims every value, collapses runs of spaces, joins repeated headers with ','. */
    public static String canonicalHeaderValue(@Nullable List<String> values) {
        if (values == null) {
            return "";
        }
        if (values.size() == 1) {
            return collapseSpaces(values.get(0).strip()); // the common case, without a builder
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(collapseSpaces(values.get(i).strip()));
        }
        return out.toString();
    }

    private static String collapseSpaces(String value) {
        if (value.indexOf("  ") < 0) {
            return value; // no run of spaces: nothing to collapse
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean previousSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean space = c == ' ';
            if (!(space && previousSpace)) {
                out.append(c);
            }
            previousSpace = space;
        }
        return out.toString();
    }
}
