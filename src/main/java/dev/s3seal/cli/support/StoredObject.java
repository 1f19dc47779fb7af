package dev.s3seal.cli.support;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;

/**
 * An object as its HEAD shows it before {@code migrate} rewrites it: the ETag every later request is pinned to,
 * its size, whether it is encrypted already (s3seal's envelope or the AWS S3 Encryption Client's metadata), and the
 * headers that describe it and must be set again on the rewrite (content type and the other content headers, user
 * metadata, storage class, the store's own server-side encryption). Built from response headers only: pure.
 */
public record StoredObject(
        String etag,
        long length,
        boolean s3sealEnvelope,
        boolean s3ecEnvelope,
        boolean customerKeyed,
        int tagCount,
        Map<String, List<String>> carriedHeaders,
        byte[] knownMd5) {

    /** Headers a HEAD answers that describe the object, sent again (same names) on PutObject and CreateMultipartUpload. */
    private static final Set<String> CONTENT_HEADERS = Set.of(
            "content-type",
            "cache-control",
            "content-disposition",
            "content-encoding",
            "content-language",
            "expires",
            "x-amz-website-redirect-location",
            "x-amz-storage-class",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-bucket-key-enabled");

    private static final Pattern PLAIN_MD5_ETAG = Pattern.compile("\"[0-9a-fA-F]{32}\"");

    public static StoredObject of(HttpHeaders head) {
        String etag = head.getFirst("etag");
        Map<String, List<String>> carried = new LinkedHashMap<>();
        Map<String, String> userMetadata = new LinkedHashMap<>();
        boolean[] envelope = new boolean[1];
        head.forEach((headerName, values) -> {
            String name = headerName.toLowerCase(Locale.ROOT);
            if (values.isEmpty()) {
                return;
            }
            if (EnvelopeMetadata.isReserved(name)) {
                envelope[0] = true;
            } else if (name.startsWith(S3ecMetadata.USER_METADATA_PREFIX)) {
                userMetadata.put(name.substring(S3ecMetadata.USER_METADATA_PREFIX.length()), values.get(0));
                carried.put(name, List.copyOf(values));
            } else if (CONTENT_HEADERS.contains(name)) {
                carried.put(name, List.copyOf(values));
            }
        });
        boolean customerKeyed = head.getFirst("x-amz-server-side-encryption-customer-algorithm") != null;
        return new StoredObject(
                etag,
                head.getContentLength(),
                envelope[0],
                S3ecMetadata.looksEncrypted(userMetadata),
                customerKeyed,
                tagCount(head.getFirst("x-amz-tagging-count")),
                carried,
                plaintextMd5(etag, head));
    }

    public boolean encrypted() {
        return s3sealEnvelope || s3ecEnvelope;
    }

    /**
     * The plaintext's MD5 when the ETag is one: a single-part object's ETag is the MD5 of its body unless the store
     * encrypted it under KMS (or a customer key), where it is not. The rewrite checks it against the bytes it read
     * and seals it into the envelope, so clients keep seeing the same ETag.
     */
    private static byte[] plaintextMd5(String etag, HttpHeaders head) {
        if (etag == null
                || !PLAIN_MD5_ETAG.matcher(etag).matches()
                || "aws:kms".equals(head.getFirst("x-amz-server-side-encryption"))
                || "aws:kms:dsse".equals(head.getFirst("x-amz-server-side-encryption"))
                || head.getFirst("x-amz-server-side-encryption-customer-algorithm") != null) {
            return null;
        }
        return HexFormat.of().parseHex(etag.substring(1, 33));
    }

    private static int tagCount(String header) {
        try {
            return header == null ? 0 : Integer.parseInt(header.trim());
        } catch (NumberFormatException malformed) {
            return 0;
        }
    }
}
