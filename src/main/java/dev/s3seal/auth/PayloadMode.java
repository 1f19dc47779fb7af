package dev.s3seal.auth;
/** PLACEHOLDER until the auth branch lands. */
public enum PayloadMode { SIGNED, UNSIGNED, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER }
