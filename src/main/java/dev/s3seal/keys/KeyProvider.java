package dev.s3seal.keys;

import reactor.core.publisher.Mono;

/**
 * Makes and unwraps per-object data keys under one master key.
 *
 * <p>Contract: both methods are lazy and never block the calling thread; they fail with
 * {@link KeyProviderException} (retryable when the provider is down, slow or throttling; not
 * retryable when it refuses: wrong context, unknown key, tampered blob). They never hang: every
 * remote call is bounded by a timeout.
 */
public interface KeyProvider {

    /** A fresh random 256-bit data key, wrapped for {@code context}. The caller closes it. */
    Mono<DataKey> generateDataKey(KeyContext context);

    /**
     * The plaintext data key of {@code wrapped}, only if it was wrapped for exactly {@code context}.
     * The returned array belongs to the caller, who zeroes it after use.
     */
    Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context);

    /**
     * Wraps an existing data key for {@code context} (a server-side copy re-wraps the source's data
     * key for the destination name). {@code plaintext} stays the caller's: it is neither kept nor
     * wiped here.
     */
    default Mono<WrappedKey> wrap(byte[] plaintext, KeyContext context) {
        return Mono.error(new KeyProviderException(
                KeyProviderException.Reason.INVALID_REQUEST, "this key provider cannot wrap an existing data key"));
    }
}
