package dev.s3seal.web.exchange;

import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;

/**
 * What a client is told when an object in the AWS S3 Encryption Client format cannot be written or read. The
 * codec's messages stay in s3seal's log (they may name key material sources); clients get S3's codes.
 */
public final class S3ecFailures {

    private S3ecFailures() {}

    public static Throwable toS3(Throwable error) {
        if (!(error instanceof S3ecException s3ec)) {
            return error;
        }
        return switch (s3ec.reason()) {
            case KEY_SERVICE_UNAVAILABLE ->
                new S3Exception(S3ErrorCode.SLOW_DOWN, "The key service is unavailable; retry later.", s3ec);
            case KEY_UNWRAP_FAILED, CONTEXT_MISMATCH ->
                new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied (the object's key cannot be used).", s3ec);
            case AUTHENTICATION_FAILED, COMMITMENT_MISMATCH, INVALID_LENGTH -> IntegrityFailures.refusal(s3ec);
            case UNAUTHENTICATED_NOT_ALLOWED ->
                new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "Ranged reads of S3 Encryption Client objects are unauthenticated and not allowed by the policy.",
                        s3ec);
            default ->
                new S3Exception(
                        S3ErrorCode.INVALID_OBJECT_STATE,
                        "The object's S3 Encryption Client metadata is not supported or not valid ("
                                + s3ec.reason().name().toLowerCase(java.util.Locale.ROOT) + ").",
                        s3ec);
        };
    }
}
