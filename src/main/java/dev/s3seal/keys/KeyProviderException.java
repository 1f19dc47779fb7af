package dev.s3seal.keys;

import org.jspecify.annotations.Nullable;

/**
 * A key provider could not produce or unwrap a key. {@link #retryable()} tells a transient failure
 * (KMS down, timing out, throttling: the proxy answers {@code 503 SlowDown}) from a refusal (wrong
 * encryption context, unknown or disabled key, tampered blob, access denied: {@code AccessDenied}).
 *
 * <p>Messages name the operation and the provider's error code, never key material.
 */
public class KeyProviderException extends RuntimeException {

    /** Why it failed; {@link #retryable()} follows from it. */
    public enum Reason {
        UNAVAILABLE(true),
        TIMEOUT(true),
        THROTTLED(true),
        ACCESS_DENIED(false),
        INVALID_CIPHERTEXT(false),
        UNKNOWN_KEY(false),
        INVALID_REQUEST(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;

    public KeyProviderException(Reason reason, String message) {
        this(reason, message, null);
    }

    public KeyProviderException(Reason reason, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return reason.retryable();
    }
}
