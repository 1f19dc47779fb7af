package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * CopyObject and UploadPartCopy under the client-side modes end to end: real SDK clients and the
 * AWS CLI through s3seal, a real S3Proxy filesystem store (whose files are read to prove what is at
 * rest), a real moto KMS. Rules: secret/ denied, public/ passthrough, kms/ cse-kms, else cse-local.
 */
class EncryptedCopyIT extends StandardPolicyIntegrationTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path workDir;

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
    void shouldCopyServerSideWithSameCiphertextWhenSourceAndDestinationShareTheKey() throws IOException {
        byte[] data = random(200_000, 1);
        String putEtag = client.putObject(
                        b -> b.bucket(bucket)
                                .key("docs/a")
                                .contentType("text/plain")
                                .metadata(Map.of("color", "blue")),
                        RequestBody.fromBytes(data))
                .eTag();

        CopyObjectResponse copied = client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/a")
                .destinationBucket(bucket)
                .destinationKey("docs/b"));

        assertThat(copied.copyObjectResult().eTag()).isEqualTo(quotedMd5(data)).isEqualTo(putEtag);
        byte[] sourceAtRest = Files.readAllBytes(store().objectPath(bucket, "docs/a"));
        byte[] copyAtRest = Files.readAllBytes(store().objectPath(bucket, "docs/b"));
        assertThat(copyAtRest)
                .as("the body stayed upstream: same ciphertext, only the wrapped key changed")
                .isEqualTo(sourceAtRest);
        assertThat(new String(copyAtRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        HeadObjectResponse stored =
                store().directClient().headObject(b -> b.bucket(bucket).key("docs/b"));
        HeadObjectResponse original =
                store().directClient().headObject(b -> b.bucket(bucket).key("docs/a"));
        assertThat(stored.metadata().get("s3seal-k"))
                .isNotNull()
                .isNotEqualTo(original.metadata().get("s3seal-k"));

        assertThat(read("docs/b")).isEqualTo(data);
        byte[] ranged = client.getObject(
                        b -> b.bucket(bucket).key("docs/b").range("bytes=70000-140000"), ResponseTransformer.toBytes())
                .asByteArray();
        assertThat(ranged).isEqualTo(Arrays.copyOfRange(data, 70_000, 140_001));
        HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key("docs/b"));
        assertThat(head.eTag()).isEqualTo(putEtag);
        assertThat(head.contentLength()).isEqualTo(data.length);
        assertThat(head.contentType()).isEqualTo("text/plain");
        assertThat(head.metadata()).containsEntry("color", "blue").doesNotContainKeys("s3seal-k", "s3seal-l");
    }

    @Test
    void shouldCopyServerSideUnderTheSameKmsKey() throws IOException {
        byte[] data = random(100_000, 12);
        client.putObject(b -> b.bucket(bucket).key("kms/a"), RequestBody.fromBytes(data));

        CopyObjectResponse copied = client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("kms/a")
                .destinationBucket(bucket)
                .destinationKey("kms/b"));

        assertThat(copied.copyObjectResult().eTag()).isEqualTo(quotedMd5(data));
        assertThat(Files.readAllBytes(store().objectPath(bucket, "kms/b")))
                .isEqualTo(Files.readAllBytes(store().objectPath(bucket, "kms/a")));
        assertThat(read("kms/b")).isEqualTo(data);
    }

    @Test
    void shouldDecryptPartCopiedIntoPassthroughUpload() throws IOException {
        byte[] data = random(40_000, 13);
        client.putObject(b -> b.bucket(bucket).key("docs/enc"), RequestBody.fromBytes(data));
        String key = "public/assembled";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String etag = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/enc")
                        .destinationBucket(bucket)
                        .destinationKey(key)
                        .uploadId(uploadId)
                        .partNumber(1)
                        .copySourceRange("bytes=100-30099"))
                .copyPartResult()
                .eTag();
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));

        assertThat(Files.readAllBytes(store().objectPath(bucket, key)))
                .isEqualTo(Arrays.copyOfRange(data, 100, 30_100));
    }

    @Test
    void shouldRefuseCiphertextMovedUnderTheCopysNameWithoutTheRewrap() throws IOException {
        byte[] data = random(1000, 2);
        client.putObject(b -> b.bucket(bucket).key("docs/orig"), RequestBody.fromBytes(data));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/orig")
                .destinationBucket(bucket)
                .destinationKey("docs/copy"));
        // the upstream's own copy (no re-wrap) of the original under a third name does not decrypt
        store().directClient()
                .copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/orig")
                        .destinationBucket(bucket)
                        .destinationKey("docs/forged"));
        assertThat(read("docs/copy")).isEqualTo(data);
        assertThatThrownBy(() -> read("docs/forged"))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }

    @Test
    void shouldHonourMetadataDirectivesWhenCopying() {
        client.putObject(
                b -> b.bucket(bucket).key("docs/meta").contentType("text/csv").metadata(Map.of("owner", "alice")),
                RequestBody.fromBytes(random(100, 3)));

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/meta")
                .destinationBucket(bucket)
                .destinationKey("docs/meta-copy")
                .metadataDirective(MetadataDirective.COPY)
                .metadata(Map.of("ignored", "yes")));
        HeadObjectResponse copied = client.headObject(b -> b.bucket(bucket).key("docs/meta-copy"));
        assertThat(copied.metadata()).containsEntry("owner", "alice").doesNotContainKey("ignored");
        assertThat(copied.contentType()).isEqualTo("text/csv");

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/meta")
                .destinationBucket(bucket)
                .destinationKey("docs/meta-replaced")
                .metadataDirective(MetadataDirective.REPLACE)
                .contentType("application/json")
                .metadata(Map.of("owner", "bob")));
        HeadObjectResponse replaced = client.headObject(b -> b.bucket(bucket).key("docs/meta-replaced"));
        assertThat(replaced.metadata()).containsEntry("owner", "bob").doesNotContainKeys("s3seal-k");
        assertThat(replaced.contentType()).isEqualTo("application/json");
        assertThat(read("docs/meta-replaced")).isEqualTo(random(100, 3));

        // a self-copy changing the metadata re-wraps for the same name and stays readable
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/meta")
                .destinationBucket(bucket)
                .destinationKey("docs/meta")
                .metadataDirective(MetadataDirective.REPLACE)
                .metadata(Map.of("owner", "carol")));
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/meta")).metadata())
                .containsEntry("owner", "carol");
        assertThat(read("docs/meta")).isEqualTo(random(100, 3));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/meta")
                        .destinationBucket(bucket)
                        .destinationKey("docs/meta")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                        .isEqualTo("InvalidRequest"));
    }

    @Test
    void shouldEvaluateCopyConditionsAgainstThePlaintextEtag() {
        byte[] data = random(5000, 4);
        String etag = client.putObject(b -> b.bucket(bucket).key("docs/cond"), RequestBody.fromBytes(data))
                .eTag();
        String upstreamEtag = store().directClient()
                .headObject(b -> b.bucket(bucket).key("docs/cond"))
                .eTag();
        assertThat(upstreamEtag).isNotEqualTo(etag);

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/cond")
                .destinationBucket(bucket)
                .destinationKey("docs/cond-ok")
                .copySourceIfMatch(etag));
        assertThat(read("docs/cond-ok")).isEqualTo(data);

        for (var attempt :
                List
                        .<java.util.function.Consumer<
                                        software.amazon.awssdk.services.s3.model.CopyObjectRequest.Builder>>
                                of(b -> b.copySourceIfMatch(upstreamEtag), b -> b.copySourceIfNoneMatch(etag))) {
            assertThatThrownBy(() -> client.copyObject(b -> {
                        b.sourceBucket(bucket)
                                .sourceKey("docs/cond")
                                .destinationBucket(bucket)
                                .destinationKey("docs/cond-no");
                        attempt.accept(b);
                    }))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
        }
        assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("docs/cond-no")))
                .isInstanceOf(S3Exception.class);
    }

    @Test
    void shouldReencryptUnderTheDestinationKeyWhenCopyingFromCseLocalToCseKms() throws IOException {
        byte[] data = random(150_000, 5);
        client.putObject(b -> b.bucket(bucket).key("docs/local"), RequestBody.fromBytes(data));

        CopyObjectResponse copied = client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/local")
                .destinationBucket(bucket)
                .destinationKey("kms/copied"));

        assertThat(copied.copyObjectResult().eTag()).isEqualTo(quotedMd5(data));
        HeadObjectResponse stored =
                store().directClient().headObject(b -> b.bucket(bucket).key("kms/copied"));
        assertThat(stored.metadata().get("s3seal-kp")).startsWith("kms");
        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "kms/copied"));
        assertThat(atRest).isNotEqualTo(Files.readAllBytes(store().objectPath(bucket, "docs/local")));
        assertThat(atRest.length).isEqualTo(CiphertextSizes.ciphertextLength(data.length, 65_536));
        assertThat(read("kms/copied")).isEqualTo(data);
        assertThat(client.headObject(b -> b.bucket(bucket).key("kms/copied")).eTag())
                .isEqualTo(quotedMd5(data));
    }

    @Test
    void shouldEncryptWhenCopyingFromPassthroughAndDecryptWhenCopyingToPassthrough() throws IOException {
        byte[] data = random(70_000, 6);
        client.putObject(
                b -> b.bucket(bucket).key("public/plain").metadata(Map.of("k", "v")), RequestBody.fromBytes(data));

        CopyObjectResponse in = client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("public/plain")
                .destinationBucket(bucket)
                .destinationKey("docs/from-plain"));
        assertThat(in.copyObjectResult().eTag()).isEqualTo(quotedMd5(data));
        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "docs/from-plain"));
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        assertThat(read("docs/from-plain")).isEqualTo(data);
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/from-plain"))
                        .metadata())
                .containsEntry("k", "v");

        CopyObjectResponse out = client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/from-plain")
                .destinationBucket(bucket)
                .destinationKey("public/back"));
        assertThat(out.copyObjectResult().eTag()).isEqualTo(quotedMd5(data));
        assertThat(Files.readAllBytes(store().objectPath(bucket, "public/back")))
                .isEqualTo(data);
        HeadObjectResponse plain =
                store().directClient().headObject(b -> b.bucket(bucket).key("public/back"));
        assertThat(plain.metadata()).containsEntry("k", "v").doesNotContainKeys("s3seal-k", "s3seal-l");
    }

    /**
     * Under a passthrough rule an s3seal object reads as its ciphertext; copying it into a client-side
     * prefix must not be a way to have s3seal decrypt it there.
     */
    @Test
    void shouldRefuseToDecryptSourceWhoseOwnRuleDoesNotDecryptIt() {
        client.putObject(b -> b.bucket(bucket).key("docs/sealed"), RequestBody.fromBytes(random(100, 8)));
        store().directClient()
                .copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/sealed")
                        .destinationBucket(bucket)
                        .destinationKey("public/sealed"));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("public/sealed")
                        .destinationBucket(bucket)
                        .destinationKey("docs/opened")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        assertThat(Files.exists(store().objectPath(bucket, "docs/opened"))).isFalse();
    }

    @Test
    void shouldRefuseCopyFromDeniedSource() {
        store().directClient().putObject(b -> b.bucket(bucket).key("secret/x"), RequestBody.fromBytes(random(10, 7)));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("secret/x")
                        .destinationBucket(bucket)
                        .destinationKey("docs/stolen")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        assertThat(Files.exists(store().objectPath(bucket, "docs/stolen"))).isFalse();
    }

    @Test
    void shouldRefuseCopySourceOverFiveGibAsS3Does() throws IOException {
        client.putObject(b -> b.bucket(bucket).key("docs/huge"), RequestBody.fromBytes(random(100, 15)));
        // the same object grown to the stored length of 6 GiB (a sparse file: nothing is read before the
        // refusal), its envelope saying so: lengths come from the stored length, so both must agree
        long length = 6L * 1024 * MIB;
        store().editStoredMetadata(bucket, "docs/huge", "s3seal-l", Long.toString(length));
        store().editStoredMetadata(bucket, "docs/huge", "s3seal-h", null);
        Path file = store().objectPath(bucket, "docs/huge");
        try (java.io.RandomAccessFile grown = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            grown.setLength(CiphertextSizes.ciphertextLength(length, 65_536));
        }
        try {
            assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("docs/huge")
                            .destinationBucket(bucket)
                            .destinationKey("docs/huge-copy")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(
                            e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                                    .isEqualTo("InvalidRequest"));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void shouldAnswerNoSuchKeyWhenCopySourceIsMissing() {
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/none")
                        .destinationBucket(bucket)
                        .destinationKey("docs/x")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                        .isEqualTo("NoSuchKey"));
    }

    @Test
    void shouldCopyMultipartObjectServerSideKeepingItsLayout() throws IOException {
        byte[] data = random(2 * 5 * MIB + 1234, 8);
        String key = "docs/mp-source";
        multipartObject(key, data);
        String sourceEtag = client.headObject(b -> b.bucket(bucket).key(key)).eTag();

        CopyObjectResponse copied = client.copyObject(b ->
                b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey("docs/mp-copy"));

        assertThat(copied.copyObjectResult().eTag()).isEqualTo(sourceEtag).endsWith("-3\"");
        assertThat(Files.readAllBytes(store().objectPath(bucket, "docs/mp-copy")))
                .isEqualTo(Files.readAllBytes(store().objectPath(bucket, key)));
        assertThat(read("docs/mp-copy")).isEqualTo(data);
        byte[] ranged = client.getObject(
                        b -> b.bucket(bucket).key("docs/mp-copy").range("bytes=5242000-5243000"),
                        ResponseTransformer.toBytes())
                .asByteArray();
        assertThat(ranged).isEqualTo(Arrays.copyOfRange(data, 5_242_000, 5_243_001));
        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("docs/mp-copy"))
                        .contents()
                        .get(0)
                        .size())
                .isEqualTo(data.length);
    }

    @Test
    void shouldBuildEncryptedMultipartObjectFromRangedPartCopies() throws IOException {
        byte[] data = random(11 * MIB + 5, 9);
        client.putObject(b -> b.bucket(bucket).key("docs/big"), RequestBody.fromBytes(data));
        client.putObject(b -> b.bucket(bucket).key("public/plain-big"), RequestBody.fromBytes(data));
        String key = "docs/assembled";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        long[][] ranges = {{0, 5 * MIB - 1}, {5 * MIB, 10 * MIB - 1}, {10 * MIB, data.length - 1}};
        for (int part = 1; part <= 3; part++) {
            long[] range = ranges[part - 1];
            int number = part;
            String source = part == 2 ? "public/plain-big" : "docs/big";
            String etag = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                            .sourceKey(source)
                            .destinationBucket(bucket)
                            .destinationKey(key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .copySourceRange("bytes=" + range[0] + "-" + range[1]))
                    .copyPartResult()
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));

        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, key));
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        assertThat(read(key)).isEqualTo(data);
        byte[] ranged = client.getObject(
                        b -> b.bucket(bucket).key(key).range("bytes=10485000-10486000"), ResponseTransformer.toBytes())
                .asByteArray();
        assertThat(ranged).isEqualTo(Arrays.copyOfRange(data, 10_485_000, 10_486_001));
        assertThat(client.headObject(b -> b.bucket(bucket).key(key)).contentLength())
                .isEqualTo(data.length);
    }

    @Test
    void shouldReencryptMultipartSourceAndCopyItsRangesIntoParts() {
        byte[] data = random(2 * 5 * MIB + 777, 17);
        multipartObject("docs/mp-src", data);

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/mp-src")
                .destinationBucket(bucket)
                .destinationKey("kms/mp-copy"));
        assertThat(read("kms/mp-copy")).isEqualTo(data);

        String key = "docs/from-mp";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        // part 1 spans the source's first two parts; part 2 is the tail
        String first = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/mp-src")
                        .destinationBucket(bucket)
                        .destinationKey(key)
                        .uploadId(uploadId)
                        .partNumber(1)
                        .copySourceRange("bytes=0-" + (6 * MIB - 1)))
                .copyPartResult()
                .eTag();
        String second = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/mp-src")
                        .destinationBucket(bucket)
                        .destinationKey(key)
                        .uploadId(uploadId)
                        .partNumber(2)
                        .copySourceRange("bytes=" + 6 * MIB + "-" + (data.length - 1)))
                .copyPartResult()
                .eTag();
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(first).build(),
                        CompletedPart.builder().partNumber(2).eTag(second).build())));
        assertThat(read(key)).isEqualTo(data);
    }

    @Test
    void shouldCopyEmptyObjectsAcrossModes() throws IOException {
        client.putObject(b -> b.bucket(bucket).key("docs/empty"), RequestBody.fromBytes(new byte[0]));
        for (String destination : List.of("docs/empty-copy", "kms/empty-copy", "public/empty-copy")) {
            CopyObjectResponse copied = client.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("docs/empty")
                    .destinationBucket(bucket)
                    .destinationKey(destination));
            assertThat(copied.copyObjectResult().eTag()).isEqualTo(quotedMd5(new byte[0]));
            assertThat(read(destination)).isEmpty();
        }
        assertThat(Files.size(store().objectPath(bucket, "public/empty-copy"))).isZero();
    }

    @Test
    void shouldRefuseUnencryptedSourceUnderClientSideRule() {
        store().directClient().putObject(b -> b.bucket(bucket).key("docs/planted"), RequestBody.fromString("planted"));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/planted")
                        .destinationBucket(bucket)
                        .destinationKey("public/planted")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        assertThat(Files.exists(store().objectPath(bucket, "public/planted"))).isFalse();
    }

    @Test
    void shouldAnswerInvalidRangeForPartCopyBeyondThePlaintextSource() {
        client.putObject(b -> b.bucket(bucket).key("docs/small"), RequestBody.fromBytes(random(1000, 10)));
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key("docs/mp"))
                .uploadId();
        assertThatThrownBy(() -> client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/small")
                        .destinationBucket(bucket)
                        .destinationKey("docs/mp")
                        .uploadId(uploadId)
                        .partNumber(1)
                        .copySourceRange("bytes=0-1000")))
                .isInstanceOf(S3Exception.class)
                // S3's answer for a copy range past the source's end (issue 10)
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                        .isEqualTo("InvalidRange"))
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(416));
        client.abortMultipartUpload(b -> b.bucket(bucket).key("docs/mp").uploadId(uploadId));
    }

    @Test
    void shouldCopyWithTheAwsCli() throws IOException {
        byte[] data = random(300_000, 11);
        client.putObject(b -> b.bucket(bucket).key("docs/cli-src"), RequestBody.fromBytes(data));
        CliClients cli = new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir);

        cli.aws("s3", "cp", "s3://" + bucket + "/docs/cli-src", "s3://" + bucket + "/docs/cli-dst");
        cli.aws("s3", "cp", "s3://" + bucket + "/docs/cli-src", "s3://" + bucket + "/kms/cli-dst");
        // above the CLI's 8 MiB threshold the copy is CreateMultipartUpload + UploadPartCopy + Complete
        byte[] big = random(9 * MIB + 17, 14);
        client.putObject(b -> b.bucket(bucket).key("docs/cli-big"), RequestBody.fromBytes(big));
        cli.aws("s3", "cp", "s3://" + bucket + "/docs/cli-big", "s3://" + bucket + "/docs/cli-big-copy");
        assertThat(read("docs/cli-big-copy")).isEqualTo(big);
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/cli-big-copy"))
                        .contentLength())
                .isEqualTo(big.length);

        assertThat(Files.readAllBytes(store().objectPath(bucket, "docs/cli-dst")))
                .isEqualTo(Files.readAllBytes(store().objectPath(bucket, "docs/cli-src")));
        assertThat(read("docs/cli-dst")).isEqualTo(data);
        assertThat(read("kms/cli-dst")).isEqualTo(data);
        Path local = workDir.resolve("back.bin");
        cli.aws("s3", "cp", "s3://" + bucket + "/kms/cli-dst", local.toString());
        assertThat(Files.readAllBytes(local)).isEqualTo(data);
    }

    /** A sealed multipart object of 5 MiB parts written through s3seal. */
    private void multipartObject(String key, byte[] data) {
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int part = 1; (part - 1) * 5 * MIB < data.length; part++) {
            int from = (part - 1) * 5 * MIB;
            int to = Math.min(data.length, part * 5 * MIB);
            int number = part;
            String etag = client.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(Arrays.copyOfRange(data, from, to)))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    }

    @Test
    void shouldRefuseCopyFromSseCSourceIntoClientSideDestination() {
        client.putObject(b -> b.bucket(bucket).key("docs/ssec-src"), RequestBody.fromBytes(random(10, 18)));
        CliClients cli = new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir);
        var result = cli.awsAllowingFailure(
                "s3api",
                "copy-object",
                "--bucket",
                bucket,
                "--key",
                "docs/ssec-dst",
                "--copy-source",
                bucket + "/docs/ssec-src",
                "--copy-source-sse-customer-algorithm",
                "AES256",
                "--copy-source-sse-customer-key",
                "0123456789abcdef0123456789abcdef");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("NotImplemented");
        assertThat(Files.exists(store().objectPath(bucket, "docs/ssec-dst"))).isFalse();
    }

    private byte[] read(String key) {
        return client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
    }
}
