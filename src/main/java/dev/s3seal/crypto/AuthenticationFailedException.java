package dev.s3seal.crypto;

/**
 * An encrypted object (or part of one) failed verification: a tag did not match, the key
 * commitment did not match, the header is malformed or of an unknown version, the stream was
 * truncated or extended, parts are missing or out of order, or the plaintext length the metadata
 * declares is not the one the stored length gives by the closed form. The proxy treats every reason the
 * same way (abort, never a clean end); the reason exists for logs and metrics. Messages never
 * contain key material.
 */
public class AuthenticationFailedException extends RuntimeException {

    /** Why verification failed. */
    public enum Reason {
        MALFORMED_HEADER,
        UNSUPPORTED_VERSION,
        KEY_COMMITMENT_MISMATCH,
        TAG_MISMATCH,
        TRUNCATED,
        TRAILING_DATA,
        PART_SEQUENCE,
        MANIFEST_MISMATCH,
        /** The envelope's plaintext length (or part count) disagrees with the stored length (docs/format.md 3, 6.2). */
        LENGTH_MISMATCH
    }

    private final Reason reason;

    public AuthenticationFailedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public AuthenticationFailedException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
