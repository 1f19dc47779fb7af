package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * CompleteMultipartUpload answers as S3 does (issue 10): its conditions hold for the final object
 * under the client-side modes, its whole-object checksums are not taken for checksums of the XML
 * body, and its refusals come in S3's order with S3's codes before s3seal's own layout rule.
 * Keys under {@code public/} are passthrough, every other key cse-local.
 */
class MultipartConformanceIT extends StandardPolicyIntegrationTest {

    private static final int MIB = 1024 * 1024;

    private String bucket;
    private S3Client client;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void shouldRefuseEncryptedCompletionWithIfNoneMatchStarOnAnExistingKeyAndKeepTheObject() {
        client.putObject(b -> b.bucket(bucket).key("docs/exists"), RequestBody.fromString("old"));
        byte[] data = random(200_000, 1);
        Upload upload = onePart("docs/exists", data);

        assertRefused(() -> upload.complete(b -> b.ifNoneMatch("*")), 412, "PreconditionFailed");

        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/exists"))
                        .asUtf8String())
                .isEqualTo("old");
        // nothing completed: the upload is still open and completes without the condition
        assertThat(client.listParts(b -> b.bucket(bucket).key("docs/exists").uploadId(upload.id))
                        .parts())
                .hasSize(1);
        upload.complete(b -> {});
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/exists"))
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldCompleteEncryptedUploadWithIfNoneMatchStarOnAMissingKey() {
        byte[] data = random(70_000, 2);
        onePart("docs/fresh", data).complete(b -> b.ifNoneMatch("*"));
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/fresh"))
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldEvaluateIfMatchOnEncryptedCompletionAgainstTheEtagTheClientSees() {
        byte[] old = random(1000, 3);
        client.putObject(b -> b.bucket(bucket).key("docs/match"), RequestBody.fromBytes(old));
        byte[] data = random(100_000, 4);
        Upload upload = onePart("docs/match", data);

        assertRefused(
                () -> upload.complete(b -> b.ifMatch("\"0123456789abcdef0123456789abcdef\"")),
                412,
                "PreconditionFailed");
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/match"))
                        .asByteArray())
                .isEqualTo(old);

        Upload elsewhere = onePart("docs/missing", data);
        assertRefused(() -> elsewhere.complete(b -> b.ifMatch(quotedMd5(old))), 404, "NoSuchKey");

        // the plaintext MD5 the client saw for the stored object holds
        upload.complete(b -> b.ifMatch(quotedMd5(old)));
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/match"))
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldAnswerEntityTooSmallForASmallPartBeforeTheLayoutCheck() {
        String key = "docs/small-parts";
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        // 100 000 bytes: under S3's 5 MiB minimum and not a multiple of the segment size
        String e1 = part(key, id, 1, random(100_000, 5));
        String e2 = part(key, id, 2, random(1000, 6));
        assertRefused(
                () -> client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(id)
                        .multipartUpload(m -> m.parts(completed(1, e1), completed(2, e2)))),
                400,
                "EntityTooSmall");
    }

    @Test
    void shouldAnswerInvalidPartForAPartNeverUploadedBeforeTheNumberingCheck() {
        String key = "docs/missing-part";
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String e1 = part(key, id, 1, random(5 * MIB, 7));
        // part 3 was never uploaded (and 1, 3 is not numbered 1 to N, s3seal's own rule)
        assertRefused(
                () -> client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(id)
                        .multipartUpload(m -> m.parts(completed(1, e1), completed(3, e1)))),
                400,
                "InvalidPart");
    }

    @Test
    void shouldForwardACompositeWholeObjectChecksumOnPassthroughCompletion() throws Exception {
        String key = "public/checksummed";
        byte[] data = random(300_000, 8);
        String id = client.createMultipartUpload(
                        b -> b.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();
        String partSha256 = base64(sha256(data));
        String etag = client.uploadPart(
                        b -> b.bucket(bucket)
                                .key(key)
                                .uploadId(id)
                                .partNumber(1)
                                .checksumSHA256(partSha256),
                        RequestBody.fromBytes(data))
                .eTag();
        // S3's composite checksum: the checksum of the parts' checksums, with the part count
        String composite = base64(sha256(sha256(data))) + "-1";
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(id)
                .checksumSHA256(composite)
                .multipartUpload(m -> m.parts(CompletedPart.builder()
                        .partNumber(1)
                        .eTag(etag)
                        .checksumSHA256(partSha256)
                        .build())));
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldAcceptWholeObjectChecksumsOnEncryptedCompletion() throws Exception {
        byte[] data = random(150_000, 9);
        String full = base64(sha256(data));
        onePart("docs/full-object", data).complete(b -> b.checksumSHA256(full).checksumType(ChecksumType.FULL_OBJECT));
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/full-object"))
                        .asByteArray())
                .isEqualTo(data);

        String composite = base64(sha256(sha256(data))) + "-1";
        onePart("docs/composite", data).complete(b -> b.checksumSHA256(composite));
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/composite"))
                        .asByteArray())
                .isEqualTo(data);
    }

    /** An open upload of {@code data} as its single part. */
    private Upload onePart(String key, byte[] data) {
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        return new Upload(key, id, part(key, id, 1, data));
    }

    private final class Upload {
        final String key;
        final String id;
        final String etag;

        Upload(String key, String id, String etag) {
            this.key = key;
            this.id = id;
            this.etag = etag;
        }

        void complete(Consumer<CompleteMultipartUploadRequest.Builder> extra) {
            client.completeMultipartUpload(b -> {
                b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(completed(1, etag)));
                extra.accept(b);
            });
        }
    }

    private String part(String key, String id, int number, byte[] data) {
        return client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number), RequestBody.fromBytes(data))
                .eTag();
    }

    private static CompletedPart completed(int number, String etag) {
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private static void assertRefused(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOf(S3Exception.class).satisfies(e -> {
            assertThat(((S3Exception) e).statusCode()).isEqualTo(status);
            assertThat(((S3Exception) e).awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }

    private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
