package dev.s3seal.s3;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Resolves which bucket and key a request names, for path-style ({@code host/bucket/key}) and
 * virtual-hosted-style ({@code bucket.domain/key}) addressing. Virtual hosting applies only to
 * the configured base domains, so an IP address or an unknown host is always path-style.
 */
public final class S3RequestParser {

    private static final int MAX_KEY_BYTES = 1024;

    private final List<String> virtualHostDomains;

    public S3RequestParser(List<String> virtualHostDomains) {
        this.virtualHostDomains = virtualHostDomains.stream()
                .map(d -> d.toLowerCase(Locale.ROOT))
                .map(d -> d.startsWith(".") ? d.substring(1) : d)
                .toList();
    }

    public S3Request parse(
            String method, @Nullable String rawPath, @Nullable String rawQuery, Map<String, List<String>> headers) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        String bucketFromHost = bucketFromHost(firstHeader(headers, "host"));
        String bucket;
        String encodedKey;
        if (bucketFromHost != null) {
            bucket = bucketFromHost;
            encodedKey = path.substring(1);
        } else {
            String rest = path.substring(1);
            int slash = rest.indexOf('/');
            bucket = slash < 0 ? rest : rest.substring(0, slash);
            encodedKey = slash < 0 ? "" : rest.substring(slash + 1);
            bucket = bucket.isEmpty() ? null : PercentCoding.decode(bucket, false);
        }
        String key = encodedKey.isEmpty() ? null : PercentCoding.decode(encodedKey, false);
        if (key != null) {
            checkKey(key);
        }
        if (bucket != null && !BucketNames.isPlausible(bucket)) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME);
        }
        return new S3Request(method, path, rawQuery, bucket, key, QueryParameters.parse(rawQuery), headers);
    }

    /**
     * The PutObject that a browser form upload (PostObject) to {@code bucket} stores as {@code key}, the
     * key taken from the form: held to the same checks as a key in a request path.
     */
    public static S3Request formUpload(S3Request post, String key, Map<String, List<String>> headers) {
        checkKey(key);
        String rawPath = "/" + PercentCoding.encode(post.bucket(), false) + "/" + PercentCoding.encode(key, true);
        return new S3Request("PUT", rawPath, null, post.bucket(), key, QueryParameters.empty(), headers);
    }

    private static void checkKey(String key) {
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3ErrorCode.KEY_TOO_LONG);
        }
        if (ObjectKeyNames.hasAmbiguousSegment(key)) {
            // may be normalised between s3seal and the data into another key than the one authorised
            throw new S3Exception(S3ErrorCode.INVALID_URI, ObjectKeyNames.AMBIGUOUS_SEGMENTS);
        }
    }

    private @Nullable String bucketFromHost(@Nullable String hostHeader) {
        if (hostHeader == null || virtualHostDomains.isEmpty()) {
            return null;
        }
        String host = stripPort(hostHeader.toLowerCase(Locale.ROOT));
        for (String domain : virtualHostDomains) {
            if (host.endsWith("." + domain)) {
                return host.substring(0, host.length() - domain.length() - 1);
            }
        }
        return null;
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            return host;
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static @Nullable String firstHeader(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
