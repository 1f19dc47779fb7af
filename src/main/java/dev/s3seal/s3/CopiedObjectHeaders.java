package dev.s3seal.s3;

import java.util.Locale;
import java.util.Set;

/**
 * The object headers a server-side copy of an object onto itself (metadata directive REPLACE, or a
 * CreateMultipartUpload that rebuilds it) must set again from the object's HEAD so that only the
 * envelope changes: the standard headers, the storage class, object lock, the upstream's own
 * server-side encryption (a HEAD answers these under the names the requests take them by), and all
 * user metadata. Shared by the proxy's seal and the command line's rewrap.
 */
public final class CopiedObjectHeaders {

    private static final Set<String> STANDARD = Set.of(
            "content-type",
            "content-encoding",
            "content-disposition",
            "content-language",
            "cache-control",
            "expires",
            "x-amz-website-redirect-location",
            "x-amz-storage-class",
            "x-amz-object-lock-mode",
            "x-amz-object-lock-retain-until-date",
            "x-amz-object-lock-legal-hold",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-bucket-key-enabled");

    private CopiedObjectHeaders() {}

    /** Whether the copy sets {@code headerName} (any case) again; user metadata is all of {@code x-amz-meta-*}. */
    public static boolean includes(String headerName) {
        String lower = headerName.toLowerCase(Locale.ROOT);
        return STANDARD.contains(lower) || lower.startsWith("x-amz-meta-");
    }
}
