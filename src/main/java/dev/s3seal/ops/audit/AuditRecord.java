package dev.s3seal.ops.audit;

import java.time.Instant;

/**
 * One audited request. Holds names and ids only: never key material, credentials, signatures,
 * headers or query strings. {@code keyId} is a KMS key id/ARN or a local key's name and version.
 *
 * @param errorCode the S3 error code s3seal answered with, null when none was thrown
 */
public record AuditRecord(
        Instant time,
        String requestId,
        String principal,
        String operation,
        String bucket,
        String key,
        String rule,
        String mode,
        String keyId,
        String outcome,
        int status,
        String errorCode,
        long bytesIn,
        long bytesOut,
        long durationMs) {

    /** The JSON line written to {@code s3seal.audit}; field order is stable. */
    public String toJson() {
        return new JsonLine()
                .field("time", AuditTime.format(time))
                .field("requestId", requestId)
                .field("principal", principal)
                .field("operation", operation)
                .field("bucket", bucket)
                .field("key", key)
                .field("rule", rule)
                .field("mode", mode)
                .field("keyId", keyId)
                .field("outcome", outcome)
                .field("status", status)
                .field("error", errorCode)
                .field("bytesIn", bytesIn)
                .field("bytesOut", bytesOut)
                .field("durationMs", durationMs)
                .end();
    }
}
