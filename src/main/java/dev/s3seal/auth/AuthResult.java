package dev.s3seal.auth;
/** PLACEHOLDER until the auth branch lands. */
public record AuthResult(ClientCredential client, PayloadMode payloadMode, String declaredSha256Hex, Object chunkSigning) {}
