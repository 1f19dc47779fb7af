package dev.s3seal.web.exchange;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;

/**
 * The one answer to an object found altered before the response started, whatever the format or the
 * read path: {@code 403 InvalidObjectState}. A 4xx that is neither a throttling nor a clock-skew code,
 * so the AWS SDKs and the CLI do not retry it (they retry 5xx, throttling and a few transient codes:
 * the {@code 500 InternalError} this used to be cost several retries of a read that can never
 * succeed). After the response started, the connection is aborted instead (design, hard property 3).
 */
public final class IntegrityFailures {

    static final String MESSAGE = "The object failed authentication: it was altered or damaged at rest.";

    private IntegrityFailures() {}

    public static S3Exception refusal(Throwable cause) {
        return new S3Exception(S3ErrorCode.INVALID_OBJECT_STATE, MESSAGE, cause);
    }
}
