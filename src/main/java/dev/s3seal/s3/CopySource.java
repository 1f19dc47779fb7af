package dev.s3seal.s3;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The object named by {@code x-amz-copy-source}: {@code [/]bucket/key[?versionId=...]};
 * {@code versionId} is null when the header names none.
 * s3seal authorizes it like a read of that object, because the upstream performs the copy under
 * s3seal's own credentials.
 *
 * <p>Read as S3 reads it: the version is the raw header's {@code ?versionId=} suffix (so an
 * encoded {@code %3F} stays part of the key); the rest is percent-decoded as a whole and only then
 * split into bucket and key at the first {@code /}, so {@code private%2Fdocs/plan.txt} names bucket
 * {@code private}. Splitting first would authorize one object and let the upstream copy another.
 * Forms whose reading could differ between S3-compatible stores are refused rather than guessed
 * (other query parameters, an empty version, a decoded key that itself carries {@code ?versionId=},
 * {@code .}, {@code ..} or empty segments), and the upstream never sees the client's spelling:
 * {@link #toHeaderValue()} re-encodes what was authorized.
 */
public record CopySource(
        String bucket, String key, @Nullable String versionId) {

    /** The largest source S3 copies in one CopyObject or UploadPartCopy request (5 GiB). */
    public static final long MAX_BYTES = 5L * 1024 * 1024 * 1024;

    private static final String VERSION_PARAMETER = "versionId=";
    private static final int MAX_KEY_BYTES = 1024;

    public CopySource(String bucket, String key) {
        this(bucket, key, null);
    }

    public static CopySource parse(String header) {
        String value = header.trim();
        String versionId = null;
        int query = value.indexOf('?');
        if (query >= 0) {
            String parameter = value.substring(query + 1);
            if (!parameter.startsWith(VERSION_PARAMETER)
                    || parameter.indexOf('&') >= 0
                    || parameter.length() == VERSION_PARAMETER.length()) {
                throw invalid("The only parameter a copy source takes is one non-empty versionId.");
            }
            versionId = PercentCoding.decode(parameter.substring(VERSION_PARAMETER.length()), false);
            value = value.substring(0, query);
        }
        String decoded = PercentCoding.decode(value, false);
        if (decoded.startsWith("/")) {
            decoded = decoded.substring(1);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw invalid("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String bucket = decoded.substring(0, slash);
        String key = decoded.substring(slash + 1);
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3ErrorCode.KEY_TOO_LONG);
        }
        if (key.contains("?" + VERSION_PARAMETER)) {
            // a store that decodes before it looks for the version would read another key
            throw invalid("s3seal does not accept a copy source key containing '?versionId='.");
        }
        if (ObjectKeyNames.hasAmbiguousSegment(key)) {
            throw invalid(ObjectKeyNames.AMBIGUOUS_SEGMENTS);
        }
        return new CopySource(bucket, key, versionId);
    }

    /**
     * The header value for the upstream: {@code /bucket/key[?versionId=v]}, every byte but the
     * unreserved ones and the key's '/' percent-encoded (a '+' too, which some stores decode as a
     * space), so every S3-compatible reading gives back exactly this bucket, key and version.
     */
    public String toHeaderValue() {
        String path = "/" + PercentCoding.encode(bucket, false) + "/" + PercentCoding.encode(key, true);
        return versionId == null ? path : path + "?" + VERSION_PARAMETER + PercentCoding.encode(versionId, false);
    }

    private static S3Exception invalid(String message) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message);
    }
}
