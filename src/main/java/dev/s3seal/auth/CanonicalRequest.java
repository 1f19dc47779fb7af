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

    /**
     * Trims every value and collapses each inner run of whitespace to one space (SigV4's Trimall),
     * joins repeated headers with ','. Whitespace is what the AWS SDK signers collapse (Java v2:
     * space, tab, LF, VT, FF, CR; botocore: {@code ' '.join(value.split())}) and S3 accepts: a tab
     * inside an {@code x-amz-meta-} value is signed as a space (aws-sdk-net#1222: S3 refused .NET's
     * signature over the raw tab and accepted the Java SDK's), so a tab must collapse here too.
     */
    public static String canonicalHeaderValue(@Nullable List<String> values) {
        if (values == null) {
            return "";
        }
        if (values.size() == 1) {
            return trimAll(values.get(0)); // the common case, without a builder
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(trimAll(values.get(i)));
        }
        return out.toString();
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static String trimAll(String value) {
        if (isAlreadyTrimmed(value)) {
            return value; // no outer whitespace, no whitespace but single spaces: nothing to build
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isWhitespace(c)) {
                pendingSpace = out.length() > 0; // leading whitespace is dropped, a run becomes one space
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
        return out.toString(); // a trailing run is never written
    }

    private static boolean isAlreadyTrimmed(String value) {
        int last = value.length() - 1;
        if (last >= 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(last)))) {
            return false;
        }
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            if (isWhitespace(c) && (c != ' ' || isWhitespace(value.charAt(i + 1)))) {
                return false; // a tab or the like, or a run: i + 1 exists, as the last char is no space
            }
        }
        return true;
    }
}
