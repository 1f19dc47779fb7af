package dev.s3seal.crypto;

import org.jspecify.annotations.Nullable;

/**
 * The checks a reader of a sealed multipart object makes before decrypting it (docs/format.md 6.3): the
 * manifest's MAC verifies under the data key, and its part count equals the envelope's {@code s3seal-n} and
 * the ETag's {@code -N} (when the reader has the ETag), its total the envelope's {@code s3seal-l}.
 */
public final class MultipartEnvelope {

    private MultipartEnvelope() {}

    /**
     * The verified manifest of {@code envelope} (which must carry one).
     *
     * @param etag the stored object's ETag, quoted or not, or null when unknown
     * @throws AuthenticationFailedException if the manifest does not verify or does not match
     */
    public static MultipartManifest openManifest(EnvelopeMetadata envelope, byte[] dataKey, @Nullable String etag) {
        if (envelope.manifest() == null) {
            throw new AuthenticationFailedException(
                    AuthenticationFailedException.Reason.MANIFEST_MISMATCH, "the object has no multipart manifest");
        }
        MultipartManifest manifest = MultipartManifest.open(envelope.manifest(), dataKey, envelope.segmentSize());
        int etagParts = etagPartCount(etag);
        if (envelope.partCount() == null
                || manifest.partCount() != envelope.partCount()
                || (etagParts > 0 && etagParts != manifest.partCount())
                || manifest.totalPlaintextLength() != envelope.plaintextLength()) {
            throw new AuthenticationFailedException(
                    AuthenticationFailedException.Reason.MANIFEST_MISMATCH,
                    "manifest does not match the object's part count or length");
        }
        return manifest;
    }

    /** The part count in a multipart ETag's {@code -N} suffix, or 0 when there is none. */
    public static int etagPartCount(@Nullable String etag) {
        if (etag == null) {
            return 0;
        }
        String bare = etag.replace("\"", "");
        int dash = bare.lastIndexOf('-');
        if (dash < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(bare.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
