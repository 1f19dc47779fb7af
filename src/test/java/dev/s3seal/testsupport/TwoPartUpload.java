package dev.s3seal.testsupport;

import java.util.Arrays;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

/** A multipart upload of {@code data} in two parts (the first {@code firstPartSize} bytes, then the rest). */
public final class TwoPartUpload {

    private TwoPartUpload() {}

    /** Creates (with {@code create}'s extra settings), uploads both parts and completes; returns the upload id. */
    public static String upload(
            S3Client client,
            String bucket,
            String key,
            byte[] data,
            int firstPartSize,
            Consumer<CreateMultipartUploadRequest.Builder> create) {
        String uploadId = client.createMultipartUpload(
                        b -> create.accept(b.bucket(bucket).key(key)))
                .uploadId();
        String e1 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, 0, firstPartSize)))
                .eTag();
        String e2 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(2),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, firstPartSize, data.length)))
                .eTag();
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build())));
        return uploadId;
    }
}
