package dev.s3seal.crypto.s3ec;

/**
 * A plaintext byte range of a whole-object-GCM S3EC object, mapped to the ciphertext to fetch.
 *
 * <p><b>Unauthenticated.</b> GCM's tag covers the whole object, so a range can only be decrypted as AES-CTR
 * (the GCM keystream starting at counter {@code J0 + 2 + block}) with no check at all: flipped ciphertext bits
 * flip the same plaintext bits and nothing notices. The AWS client offers this only in its "legacy
 * unauthenticated modes"; s3seal offers it only when {@link S3ecReadOptions#allowUnauthenticatedRanges()} is
 * set. The V3 key commitment is still checked (it protects the key, not the bytes).
 *
 * @param first             first plaintext byte wanted (inclusive)
 * @param last              last plaintext byte wanted (inclusive), already clamped to the object
 * @param fetchFirst        first ciphertext byte to GET: {@code first} rounded down to a 16-byte block
 * @param fetchLast         last ciphertext byte to GET (inclusive); the tag is never needed
 * @param skip              bytes of decrypted output to drop before the range starts
 */
public record UnauthenticatedRange(long first, long last, long fetchFirst, long fetchLast, int skip) {

    /**
     * {@code bytes=first-last} against an object of {@code ciphertextLength} bytes; {@code last} may be
     * past the end (clamped, as S3 does). A range starting at or past the plaintext end is
     * {@link S3ecException.Reason#INVALID_LENGTH} (the proxy answers {@code InvalidRange}).
     */
    public static UnauthenticatedRange of(long first, long last, long ciphertextLength) {
        long plaintextLength = S3ecContentKey.plaintextLength(ciphertextLength);
        if (first < 0 || last < first) {
            throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "malformed range");
        }
        if (first >= plaintextLength) {
            throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "range starts past the end of the object");
        }
        long clampedLast = Math.min(last, plaintextLength - 1);
        long fetchFirst = first & ~15L;
        return new UnauthenticatedRange(first, clampedLast, fetchFirst, clampedLast, (int) (first - fetchFirst));
    }

    /** {@code bytes=-n}: the last {@code n} plaintext bytes. */
    public static UnauthenticatedRange suffix(long n, long ciphertextLength) {
        long plaintextLength = S3ecContentKey.plaintextLength(ciphertextLength);
        if (n <= 0 || plaintextLength == 0) {
            throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "unsatisfiable suffix range");
        }
        return of(Math.max(0, plaintextLength - n), plaintextLength - 1, ciphertextLength);
    }

    public long length() {
        return last - first + 1;
    }

    public long blockIndex() {
        return fetchFirst / 16;
    }

    /** The {@code Range} header value for the upstream GET. */
    public String upstreamRangeHeader() {
        return "bytes=" + fetchFirst + "-" + fetchLast;
    }
}
