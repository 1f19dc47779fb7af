package dev.s3seal.s3;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An incoming S3 request after addressing is resolved: which bucket and key it names, whatever
 * the client's addressing style was. Values are decoded; {@code rawPath} and {@code rawQuery} are
 * kept as received because the caller's signature covers them. Once the gateway has recognised the
 * operation, {@code query} is that operation's canonical query ({@code OperationTable.recognise}),
 * the only one any upstream request is built from.
 *
 * @param bucket null for service-level calls such as ListBuckets
 * @param key null for bucket-level calls
 */
public record S3Request(
        String method,
        String rawPath,
        @Nullable String rawQuery,
        @Nullable String bucket,
        @Nullable String key,
        QueryParameters query,
        Map<String, List<String>> headers) {

    /** The same request with {@code query} in place of the one the client sent (its operation's canonical query). */
    public S3Request withQuery(QueryParameters canonicalQuery) {
        return new S3Request(method, rawPath, rawQuery, bucket, key, canonicalQuery, headers);
    }

    public boolean hasBucket() {
        return bucket != null;
    }

    public boolean hasKey() {
        return key != null;
    }

    /** First value of a header (names are lower case), or null. */
    public @Nullable String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code /bucket/key} as S3 names a resource in error documents. */
    public String resource() {
        if (bucket == null) {
            return "/";
        }
        return key == null ? "/" + bucket : "/" + bucket + "/" + key;
    }
}
