package dev.s3seal.s3;

/**
 * The object named by {@code x-amz-copy-source}: {@code [/]bucket/key[?versionId=...]}, URL-encoded;
 * {@code versionId} is null when the header names none.
 * s3seal authorizes it like a read of that object, because the upstream performs the copy under
 * s3seal's own credentials.
 */
public record CopySource(String bucket, String key, String versionId) {

    public CopySource(String bucket, String key) {
        this(bucket, key, null);
    }

    public static CopySource parse(String header) {
        String value = header.trim();
        String versionId = null;
        int query = value.indexOf('?');
        if (query >= 0) {
            for (String parameter : value.substring(query + 1).split("&")) {
                if (parameter.startsWith("versionId=")) {
                    versionId = PercentCoding.decode(parameter.substring("versionId=".length()), false);
                }
            }
            value = value.substring(0, query);
        }
        if (value.startsWith("/")) {
            value = value.substring(1);
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String bucket = PercentCoding.decode(value.substring(0, slash), false);
        String key = PercentCoding.decode(value.substring(slash + 1), false);
        return new CopySource(bucket, key, versionId == null || versionId.isEmpty() ? null : versionId);
    }
}
