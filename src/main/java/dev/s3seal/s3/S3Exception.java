package dev.s3seal.s3;

/**
 * A failure a client is told about as an S3 error document. The message is shown to the client,
 * so it must never contain a secret, a signature, key material or a stack trace.
 */
public class S3Exception extends RuntimeException {

    private final S3ErrorCode errorCode;

    public S3Exception(S3ErrorCode errorCode) {
        this(errorCode, errorCode.defaultMessage());
    }

    public S3Exception(S3ErrorCode errorCode, String clientMessage) {
        super(clientMessage, null, false, false);
        this.errorCode = errorCode;
    }

    public S3Exception(S3ErrorCode errorCode, String clientMessage, Throwable cause) {
        super(clientMessage, cause, false, false);
        this.errorCode = errorCode;
    }

    public S3ErrorCode errorCode() {
        return errorCode;
    }
}
