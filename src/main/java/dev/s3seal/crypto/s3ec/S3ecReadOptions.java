package dev.s3seal.crypto.s3ec;

/**
 * Read-side switches. {@link #DEFAULTS} allows only authenticated reads.
 *
 * @param allowUnauthenticatedRanges serve ranged reads of S3EC objects by AES-CTR without any integrity
 *        check (see {@link UnauthenticatedRange}); off by default, to be enabled per rule only where
 *        the caller accepts that an attacker with write access to the bucket can flip plaintext bits
 *        undetected within the returned range
 */
public record S3ecReadOptions(boolean allowUnauthenticatedRanges) {

    public static final S3ecReadOptions DEFAULTS = new S3ecReadOptions(false);
}
