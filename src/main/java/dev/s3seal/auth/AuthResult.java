package dev.s3seal.auth;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a verified request: who the client is and what the body must still prove.
 * {@code declaredSha256Hex} is null unless {@link PayloadMode#SIGNED}; {@code chunkSigning} is
 * null unless the body carries chunk signatures.
 */
public record AuthResult(
        ClientCredential client,
        PayloadMode payloadMode,
        @Nullable String declaredSha256Hex,
        @Nullable ChunkSigningContext chunkSigning) {}
