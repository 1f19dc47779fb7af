package dev.s3seal.web.exchange;

import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;

/** What a client is told when a key provider fails: retry later, or you may not have this. */
public final class KeyFailures {

    private KeyFailures() {}

    public static Throwable toS3(Throwable error) {
        if (error instanceof KeyProviderException key) {
            return key.retryable()
                    ? new S3Exception(S3ErrorCode.SLOW_DOWN, "The key service is unavailable; retry later.", key)
                    : new S3Exception(
                            S3ErrorCode.ACCESS_DENIED, "Access Denied (the object's key cannot be used).", key);
        }
        return error;
    }
}
