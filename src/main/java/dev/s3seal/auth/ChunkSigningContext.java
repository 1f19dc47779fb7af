package dev.s3seal.auth;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the aws-chunked signature chain needs from the verified request: the derived signing key,
 * the request timestamp, the credential scope and the seed (request) signature. The key is a
 * derived secret, so {@link #toString()} never prints it.
 */
public record ChunkSigningContext(byte[] signingKey, String amzDate, String scope, String seedSignature) {

    public ChunkSigningContext {
        Objects.requireNonNull(signingKey, "signingKey");
        signingKey = signingKey.clone();
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    /** Signature of one chunk, chained to the previous chunk's (or the seed) signature. */
    public String chunkSignature(String previousSignature, String chunkSha256Hex) {
        String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n"
                + SigV4Signing.EMPTY_SHA256_HEX + "\n" + chunkSha256Hex;
        return SigV4Signing.signHex(signingKey, stringToSign);
    }

    /** Signature of the trailing headers, chained to the final (zero-length) chunk's signature. */
    public String trailerSignature(String previousSignature, String trailerSha256Hex) {
        String stringToSign = "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n"
                + trailerSha256Hex;
        return SigV4Signing.signHex(signingKey, stringToSign);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ChunkSigningContext other
                && java.security.MessageDigest.isEqual(signingKey, other.signingKey)
                && amzDate.equals(other.amzDate)
                && scope.equals(other.scope)
                && seedSignature.equals(other.seedSignature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(amzDate, scope, seedSignature);
    }

    @Override
    public String toString() {
        return "ChunkSigningContext[amzDate=" + amzDate + ", scope=" + scope + "]";
    }
}
