package dev.s3seal.s3.operations;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import java.util.List;
import java.util.Set;

/**
 * Refusals S3 makes from the request line and headers alone, before it reads a body or asks its
 * store: a method S3 does not serve, anything but ListBuckets on the service root, and an upload
 * declared larger than S3 takes in one request. Each would otherwise travel on and fail late: an
 * unknown method in the upstream client, {@code DELETE /} at the upstream, a 6 TB
 * {@code Content-Length} in the ciphertext-size arithmetic after waiting for its body. Pure.
 */
public final class UpfrontRefusals {

    /** S3's largest PutObject body and largest part: 5 GiB. */
    public static final long MAX_UPLOAD_BYTES = 5L * 1024 * 1024 * 1024;

    private static final Set<String> S3_METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS");

    private UpfrontRefusals() {}

    public static void check(S3Request request) {
        if (!S3_METHODS.contains(request.method())) {
            throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED);
        }
        if (!request.hasBucket() && !request.method().equals("GET")) {
            // the service root serves ListBuckets only; S3 answers every other method 405
            throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED);
        }
        S3Operation operation = OperationTable.recognise(request).operation().family();
        if (operation == S3Operation.PUT_OBJECT || operation == S3Operation.UPLOAD_PART) {
            refuseAboveUploadLimit(request.headers().get("content-length"));
            refuseAboveUploadLimit(request.headers().get("x-amz-decoded-content-length"));
        }
    }

    private static void refuseAboveUploadLimit(List<String> values) {
        if (values == null) {
            return;
        }
        for (String value : values) {
            String digits = value.trim();
            if (!digits.isEmpty()
                    && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                    && (digits.length() > 18 || Long.parseLong(digits) > MAX_UPLOAD_BYTES)) {
                throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE);
            }
        }
    }
}
