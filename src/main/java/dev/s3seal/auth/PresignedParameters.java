package dev.s3seal.auth;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Instant;
import java.util.List;

/** The parsed {@code X-Amz-*} query parameters of a presigned URL. */
record PresignedParameters(
        CredentialScope credential,
        String amzDate,
        Instant requestTime,
        long expiresSeconds,
        List<String> signedHeaders,
        String signature) {

    static final String SIGNATURE = "X-Amz-Signature";
    static final long MAX_EXPIRES_SECONDS = 604_800;
    private static final S3ErrorCode ERROR = S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR;

    static PresignedParameters parse(SignedRequest request) {
        String algorithm = request.queryValue("X-Amz-Algorithm");
        String credential = request.queryValue("X-Amz-Credential");
        String date = request.queryValue("X-Amz-Date");
        String expires = request.queryValue("X-Amz-Expires");
        String signedHeaders = request.queryValue("X-Amz-SignedHeaders");
        String signature = request.queryValue(SIGNATURE);
        if (algorithm == null
                || credential == null
                || date == null
                || expires == null
                || signedHeaders == null
                || signature == null) {
            throw new S3Exception(
                    ERROR,
                    "Query-string authentication version 4 requires the X-Amz-Algorithm,"
                            + " X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires"
                            + " parameters.");
        }
        if (!SigV4Signing.ALGORITHM.equals(algorithm)) {
            throw new S3Exception(ERROR, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        Instant time = AmzDates.parseBasic(date);
        if (time == null) {
            throw new S3Exception(ERROR, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        return new PresignedParameters(
                CredentialScope.parse(credential, ERROR),
                date,
                time,
                parseExpires(expires),
                SignedHeaderNames.parse(signedHeaders, ERROR),
                signature);
    }

    private static long parseExpires(String value) {
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new S3Exception(ERROR, "X-Amz-Expires should be a number");
        }
        if (seconds < 0) {
            throw new S3Exception(ERROR, "X-Amz-Expires must be non-negative");
        }
        if (seconds > MAX_EXPIRES_SECONDS) {
            throw new S3Exception(ERROR, "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }
        return seconds;
    }
}
