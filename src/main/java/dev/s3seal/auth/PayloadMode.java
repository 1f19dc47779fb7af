package dev.s3seal.auth;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** How the request body is protected, as announced by {@code x-amz-content-sha256}. */
public enum PayloadMode {
    /** Hex SHA-256 of the whole body in {@code x-amz-content-sha256}. */
    SIGNED(null),
    /** {@code UNSIGNED-PAYLOAD}: only Content-MD5 / checksums protect the body. */
    UNSIGNED("UNSIGNED-PAYLOAD"),
    /** aws-chunked with a signature chained through every chunk. */
    STREAMING_SIGNED("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
    /** aws-chunked, signed chunks, then signed trailing headers. */
    STREAMING_SIGNED_TRAILER("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
    /** aws-chunked without signatures, trailing checksum headers. */
    STREAMING_UNSIGNED_TRAILER("STREAMING-UNSIGNED-PAYLOAD-TRAILER");

    private final @Nullable String headerValue;

    PayloadMode(@Nullable String headerValue) {
        this.headerValue = headerValue;
    }

    /** The literal {@code x-amz-content-sha256} value, or null for {@link #SIGNED}. */
    public @Nullable String headerValue() {
        return headerValue;
    }

    public boolean isStreaming() {
        return this == STREAMING_SIGNED || this == STREAMING_SIGNED_TRAILER || this == STREAMING_UNSIGNED_TRAILER;
    }

    public boolean hasChunkSignatures() {
        return this == STREAMING_SIGNED || this == STREAMING_SIGNED_TRAILER;
    }

    public boolean hasTrailer() {
        return this == STREAMING_SIGNED_TRAILER || this == STREAMING_UNSIGNED_TRAILER;
    }

    /** Maps an {@code x-amz-content-sha256} value; empty for values s3seal does not know. */
    public static Optional<PayloadMode> fromContentSha256(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        if (SigV4Signing.isSha256Hex(value)) {
            return Optional.of(SIGNED);
        }
        for (PayloadMode mode : values()) {
            if (value.equals(mode.headerValue)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
