package dev.s3seal.crypto.s3ec;

import org.jspecify.annotations.Nullable;

/**
 * Every failure of the S3 Encryption Client codec, typed so the proxy can map it to an S3 error
 * without parsing messages. Messages never contain key material or wrapped keys.
 */
public class S3ecException extends RuntimeException {

    public enum Reason {
        /** A required metadata entry is absent. */
        MISSING_METADATA(false),
        /** A metadata entry is present but not in the documented form (bad base64, wrong length, bad JSON...). */
        MALFORMED_METADATA(false),
        /** Both V2 and V3 entries, or an algorithm/format combination the client never writes. */
        AMBIGUOUS_FORMAT(false),
        /** A content cipher, suite, tag length or wrap algorithm this codec does not implement. */
        UNSUPPORTED_ALGORITHM(false),
        /** The stored encryption context does not match what the caller expected. */
        CONTEXT_MISMATCH(false),
        /** The key-encryption key refused the wrapped data key (wrong key, wrong context, tampered). */
        KEY_UNWRAP_FAILED(false),
        /** KMS unreachable, throttled or timed out: the request may be retried. */
        KEY_SERVICE_UNAVAILABLE(true),
        /** The V3 key commitment does not match the data key and message id. */
        COMMITMENT_MISMATCH(false),
        /** The GCM tag did not verify: the body, tag, IV or key is wrong. */
        AUTHENTICATION_FAILED(false),
        /** The body is shorter than a tag, or longer than GCM allows. */
        INVALID_LENGTH(false),
        /** An unauthenticated operation was requested without being enabled. */
        UNAUTHENTICATED_NOT_ALLOWED(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;

    public S3ecException(Reason reason, String message) {
        this(reason, message, null);
    }

    public S3ecException(Reason reason, String message, @Nullable Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return reason.retryable();
    }
}
