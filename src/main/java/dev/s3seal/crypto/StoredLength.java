package dev.s3seal.crypto;

import dev.s3seal.crypto.AuthenticationFailedException.Reason;

/**
 * The plaintext length an object may declare, from what the store says about it rather than from
 * its editable metadata alone: the stored (ciphertext) length through the closed form of
 * docs/format.md 3 (6.2 for a multipart object, whose part count the store's {@code -N} ETag
 * confirms), which must equal the envelope's {@code s3seal-l}. Anyone who can write the bucket can
 * edit the metadata; the stored length follows the bytes, and a body of another length fails its
 * tags. A disagreement is an integrity failure, found before a response declares any length.
 */
public final class StoredLength {

    private StoredLength() {}

    /**
     * The checked plaintext length of a sealed (not pending) object.
     *
     * @param storedLength   the object's stored length (Content-Length of a HEAD or whole GET, the total
     *                       of a ranged GET's Content-Range); negative when the store did not say
     * @param etagPartCount  the {@code -N} of the store's ETag, 0 when it has none
     * @throws AuthenticationFailedException {@code LENGTH_MISMATCH} when the lengths or part counts disagree
     */
    public static long plaintextLength(EnvelopeMetadata envelope, long storedLength, int etagPartCount) {
        long closedForm = closedForm(envelope, storedLength, etagPartCount);
        if (closedForm != envelope.plaintextLength()) {
            throw mismatch("the declared plaintext length differs from the stored length's");
        }
        return closedForm;
    }

    /**
     * The plaintext length the stored length gives for this envelope's segment size and part count,
     * without looking at its {@code s3seal-l} (what a listing shows).
     *
     * @throws AuthenticationFailedException {@code LENGTH_MISMATCH} when the stored length is not one of this
     *         format, or the part counts disagree
     */
    public static long closedForm(EnvelopeMetadata envelope, long storedLength, int etagPartCount) {
        if (envelope.isPending()) {
            throw new IllegalArgumentException("a pending multipart upload has no plaintext length");
        }
        if (storedLength < 0) {
            throw mismatch("the store did not give the object's length");
        }
        Integer parts = envelope.partCount();
        if (parts != null && etagPartCount > 0 && etagPartCount != parts) {
            throw mismatch("the part count differs from the stored object's");
        }
        long closedForm;
        try {
            closedForm = parts == null
                    ? CiphertextSizes.plaintextLength(storedLength, envelope.segmentSize())
                    : CiphertextSizes.multipartPlaintextLength(storedLength, parts, envelope.segmentSize());
        } catch (IllegalArgumentException notASize) {
            throw mismatch("the stored length is not a length of this format");
        }
        return closedForm;
    }

    private static AuthenticationFailedException mismatch(String why) {
        return new AuthenticationFailedException(Reason.LENGTH_MISMATCH, why);
    }
}
