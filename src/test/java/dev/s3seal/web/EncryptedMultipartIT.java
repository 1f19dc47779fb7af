package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import dev.s3seal.testsupport.StoredCiphertext;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Multipart uploads under the client-side modes end to end (docs/format.md 6): real SDK clients
 * through s3seal, a real S3Proxy filesystem store, a real moto KMS. The AWS CLI and the async client,
 * with the streamed completion answer, are in {@link SealKeepAliveIT}.
 */
class EncryptedMultipartIT extends StandardPolicyIntegrationTest {

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

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.core.env.Environment environment;

    /** Stateless: a second s3seal replica serves every other part of the same upload. */
    @Test
    void shouldCompleteUploadWhosePartsAlternateBetweenTwoInstances() {
        dev.s3seal.testsupport.S3ProxyServer store = store();
        java.util.Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("management.server.port", "0");
        properties.put("s3seal.upstream.endpoint", store.endpoint().toString());
        properties.put("s3seal.upstream.access-key-id", dev.s3seal.testsupport.S3ProxyServer.ACCESS_KEY);
        properties.put("s3seal.upstream.secret-access-key", dev.s3seal.testsupport.S3ProxyServer.SECRET_KEY);
        properties.put("s3seal.clients[0].name", "alice");
        properties.put("s3seal.clients[0].access-key-id", ALICE_KEY);
        properties.put("s3seal.clients[0].secret-access-key", ALICE_SECRET);
        for (String name : new String[] {
            "s3seal.policy",
            "s3seal.kms.endpoint",
            "s3seal.kms.region",
            "s3seal.kms.access-key-id",
            "s3seal.kms.secret-access-key"
        }) {
            properties.put(name, environment.getProperty(name));
        }
        try (var second = new org.springframework.boot.builder.SpringApplicationBuilder(
                                dev.s3seal.S3SealApplication.class)
                        .properties(properties)
                        .run();
                S3Client other = dev.s3seal.testsupport.S3Clients.sync(
                        java.net.URI.create("http://127.0.0.1:"
                                + ((org.springframework.boot.web.server.context.WebServerApplicationContext) second)
                                        .getWebServer()
                                        .getPort()),
                        ALICE_KEY,
                        ALICE_SECRET)) {
            byte[] data = random(3 * 5 * MIB + 11, 9);
            String key = "mp/two-replicas";
            String uploadId =
                    client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            java.util.List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new java.util.ArrayList<>();
            for (int part = 1; part <= 4; part++) {
                int from = (part - 1) * 5 * MIB;
                int to = Math.min(data.length, part * 5 * MIB);
                S3Client replica = part % 2 == 0 ? other : client;
                int number = part;
                String etag = replica.uploadPart(
                                b -> b.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number),
                                RequestBody.fromBytes(java.util.Arrays.copyOfRange(data, from, to)))
                        .eTag();
                parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                        .partNumber(number)
                        .eTag(etag)
                        .build());
            }
            other.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            byte[] viaFirst = client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                    .asByteArray();
            byte[] viaSecond = other.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                    .asByteArray();
            assertThat(viaFirst).isEqualTo(data);
            assertThat(viaSecond).isEqualTo(data);
        }
    }

    @Test
    void shouldRoundTripManualUploadWithPartsInReverseOrderFromTwoClients() throws IOException {
        byte[] data = random(3 * 5 * MIB + MIB + 7, 1);
        String key = "mp/manual";
        int[] offsets = {0, 5 * MIB, 10 * MIB, 15 * MIB, data.length};
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .contentType("application/x-test")
                        .metadata(Map.of("owner", "alice")))
                .uploadId();
        assertThat(uploadId).contains(".");
        List<CompletedPart> parts = new ArrayList<>();
        try (S3Client second = S3Clients.syncWhenRequired(endpoint(), ALICE_KEY, ALICE_SECRET)) {
            for (int part = 4; part >= 1; part--) {
                int number = part;
                byte[] body = Arrays.copyOfRange(data, offsets[part - 1], offsets[part]);
                S3Client uploader = part % 2 == 0 ? second : client;
                String etag = uploader.uploadPart(
                                b -> b.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number),
                                RequestBody.fromBytes(body))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
        }
        ListPartsResponse listed =
                client.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        assertThat(listed.uploadId()).isEqualTo(uploadId);
        assertThat(listed.parts())
                .extracting(p -> p.size())
                .containsExactly((long) 5 * MIB, (long) 5 * MIB, (long) 5 * MIB, (long) MIB + 7);
        parts.sort(Comparator.comparing(CompletedPart::partNumber));
        String etag = client.completeMultipartUpload(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)))
                .eTag();
        assertThat(etag).endsWith("-4\"");

        assertCiphertextAtRest(key, data, offsets);
        ResponseBytes<GetObjectResponse> read =
                client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes());
        assertThat(read.asByteArray()).isEqualTo(data);
        assertThat(read.response().contentLength()).isEqualTo(data.length);
        assertThat(read.response().eTag()).isEqualTo(etag);
        assertThat(read.response().contentType()).isEqualTo("application/x-test");
        assertThat(read.response().metadata())
                .containsEntry("owner", "alice")
                .doesNotContainKeys("s3seal-k", "s3seal-m");
        assertThat(client.headObject(b -> b.bucket(bucket).key(key)).contentLength())
                .isEqualTo(data.length);
        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("mp/")).contents())
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(data.length));

        // ranges: across the part 1/2 boundary (part 1's header from the first request), starting
        // mid-part 2 (its header fetched), starting exactly at part 3 (one request), suffix, open end
        assertRange(key, data, 5 * MIB - 10, 5 * MIB + 10);
        assertRange(key, data, 5 * MIB + 100_000, 10 * MIB + 70_000);
        assertRange(key, data, 10 * MIB, 10 * MIB + 5);
        assertRange(key, data, data.length - 100, data.length - 1);
        assertRange(key, data, 14 * MIB, data.length - 1);
        ResponseBytes<GetObjectResponse> suffix =
                client.getObject(b -> b.bucket(bucket).key(key).range("bytes=-50"), ResponseTransformer.toBytes());
        assertThat(suffix.asByteArray()).isEqualTo(Arrays.copyOfRange(data, data.length - 50, data.length));
    }

    /**
     * GET and HEAD by part number (S3's "ranged GET for the part"): the plaintext bytes of each upload
     * part, with Content-Range and the part count, which is how the SDK's multipart download and
     * S3TransferManager fetch objects; a single-part object is part 1 of 1.
     */
    @Test
    void shouldServeEachPartByNumberToSdkAndTransferManager() throws Exception {
        byte[] data = random(2 * 5 * MIB + 12_345, 5);
        int[] offsets = {0, 5 * MIB, 10 * MIB, data.length};
        String key = "mp/by-part";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int part = 1; part <= 3; part++) {
            int number = part;
            String etag = client.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(Arrays.copyOfRange(data, offsets[number - 1], offsets[number])))
                    .eTag();
            assertThat(etag)
                    .as("UploadPart answers the part's plaintext MD5, as S3 answers the MD5 of what it stored")
                    .isEqualTo(quotedMd5(Arrays.copyOfRange(data, offsets[number - 1], offsets[number])));
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));

        for (int part = 1; part <= 3; part++) {
            int number = part;
            ResponseBytes<GetObjectResponse> read =
                    client.getObject(b -> b.bucket(bucket).key(key).partNumber(number), ResponseTransformer.toBytes());
            assertThat(read.asByteArray())
                    .as("part %d", number)
                    .isEqualTo(Arrays.copyOfRange(data, offsets[number - 1], offsets[number]));
            assertThat(read.response().partsCount()).isEqualTo(3);
            assertThat(read.response().contentRange())
                    .isEqualTo("bytes " + offsets[number - 1] + "-" + (offsets[number] - 1) + "/" + data.length);
            var head = client.headObject(b -> b.bucket(bucket).key(key).partNumber(number));
            assertThat(head.contentLength()).isEqualTo((long) offsets[number] - offsets[number - 1]);
            assertThat(head.partsCount()).isEqualTo(3);
        }
        assertThatThrownBy(() ->
                        client.getObject(b -> b.bucket(bucket).key(key).partNumber(4), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPartNumber");
                });
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key(key).partNumber(1).range("bytes=0-9"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest"));
        assertThatThrownBy(() ->
                        client.getObject(b -> b.bucket(bucket).key(key).partNumber(0), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));

        byte[] small = random(1000, 6);
        client.putObject(b -> b.bucket(bucket).key("single"), RequestBody.fromBytes(small));
        ResponseBytes<GetObjectResponse> whole =
                client.getObject(b -> b.bucket(bucket).key("single").partNumber(1), ResponseTransformer.toBytes());
        assertThat(whole.asByteArray()).isEqualTo(small);
        assertThat(whole.response().contentRange()).isEqualTo("bytes 0-999/1000");
        assertThat(client.headObject(b -> b.bucket(bucket).key("single").range("bytes=10-19"))
                        .contentLength())
                .isEqualTo(10);

        try (S3AsyncClient async = S3AsyncClient.builder()
                        .endpointOverride(endpoint())
                        .region(Region.US_EAST_1)
                        .forcePathStyle(true)
                        .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                        .multipartEnabled(true)
                        .build();
                software.amazon.awssdk.transfer.s3.S3TransferManager transfers =
                        software.amazon.awssdk.transfer.s3.S3TransferManager.builder()
                                .s3Client(async)
                                .build()) {
            byte[] viaSdk = async.getObject(
                            b -> b.bucket(bucket).key(key),
                            software.amazon.awssdk.core.async.AsyncResponseTransformer.toBytes())
                    .get()
                    .asByteArray();
            assertThat(viaSdk).isEqualTo(data);
            Path target = workDir.resolve("by-part.bin");
            transfers
                    .downloadFile(d ->
                            d.getObjectRequest(g -> g.bucket(bucket).key(key)).destination(target))
                    .completionFuture()
                    .get();
            assertThat(Files.readAllBytes(target)).isEqualTo(data);
        }
    }

    /** The seal is a self-copy; the ACL S3 applied from CreateMultipartUpload must survive it. */
    @Test
    void shouldKeepCannedAclGivenAtCreationWhenUploadIsSealed() {
        String key = "mp/public";
        byte[] data = random(5 * MIB + 1000, 11);
        TwoPartUpload.upload(client, bucket, key, data, 5 * MIB, create -> create.acl(ObjectCannedACL.PUBLIC_READ));

        assertThat(store().directClient()
                        .headObject(b -> b.bucket(bucket).key(key))
                        .metadata())
                .containsEntry("s3seal-n", "2");
        assertThat(store().directClient()
                        .getObjectAcl(b -> b.bucket(bucket).key(key))
                        .grants())
                .anySatisfy(grant -> {
                    assertThat(grant.grantee().uri()).isEqualTo("http://acs.amazonaws.com/groups/global/AllUsers");
                    assertThat(grant.permission()).isEqualTo(Permission.READ);
                });
        assertThat(client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
    }

    /** Without an ACL at creation the sealed object keeps the default (owner only) ACL. */
    @Test
    void shouldKeepPrivateAclWhenUploadWithoutAclIsSealed() {
        String key = "mp/private";
        byte[] data = random(5 * MIB + 1000, 12);
        TwoPartUpload.upload(client, bucket, key, data, 5 * MIB, create -> {});

        assertThat(store().directClient()
                        .headObject(b -> b.bucket(bucket).key(key))
                        .metadata())
                .containsEntry("s3seal-n", "2");
        assertThat(store().directClient()
                        .getObjectAcl(b -> b.bucket(bucket).key(key))
                        .grants())
                .noneSatisfy(grant -> assertThat(grant.grantee().uri()).isNotNull());
    }

    @Test
    void shouldRefuseIrregularLayoutAndKeepUploadOpen() {
        String key = "mp/irregular";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String e1 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(random(5 * MIB + 1, 3)))
                .eTag();
        String e2 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(2),
                        RequestBody.fromBytes(random(10, 4)))
                .eTag();
        assertThatThrownBy(() -> client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(
                                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                                CompletedPart.builder().partNumber(2).eTag(e2).build()))))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("multiple of 65536 bytes");
                });
        assertThat(client.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId))
                        .parts())
                .hasSize(2);
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        assertThat(Files.exists(store().objectPath(bucket, key))).isFalse();
    }

    /**
     * ListMultipartUploads shows the upstream's upload ids: the upstream keeps the wrapped data key only in the
     * upload's metadata, which no S3 call returns before completion (docs/format.md 6). A listed id is refused
     * for parts as an unknown upload (404, never a part under no key) and aborts the upload.
     */
    @Test
    void shouldAbortAnUploadByTheIdListMultipartUploadsShows() {
        String clientId = client.createMultipartUpload(b -> b.bucket(bucket).key("left/over"))
                .uploadId();
        List<software.amazon.awssdk.services.s3.model.MultipartUpload> listed =
                client.listMultipartUploads(b -> b.bucket(bucket)).uploads();
        assertThat(listed)
                .singleElement()
                .satisfies(upload -> assertThat(upload.key()).isEqualTo("left/over"));
        String listedId = listed.get(0).uploadId();
        assertThat(clientId).startsWith(listedId + ".");
        assertThatThrownBy(() -> client.uploadPart(
                        b -> b.bucket(bucket)
                                .key("left/over")
                                .uploadId(listedId)
                                .partNumber(1),
                        RequestBody.fromString("part")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchUpload");
                });
        client.abortMultipartUpload(b -> b.bucket(bucket).key("left/over").uploadId(listedId));
        assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void shouldRefuseTamperedUploadIdWithoutStoringAnything() {
        String key = "mp/tampered";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        int dot = uploadId.lastIndexOf('.');
        char[] chars = uploadId.toCharArray();
        int inBlob = dot + (uploadId.length() - dot) * 3 / 4;
        chars[inBlob] = chars[inBlob] == 'A' ? 'B' : 'A';
        String tampered = new String(chars);
        for (String badId : List.of(tampered, uploadId.substring(0, dot), uploadId + "x!")) {
            assertThatThrownBy(() -> client.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(badId).partNumber(1),
                            RequestBody.fromBytes(random(5 * MIB, 5))))
                    .as(badId)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isIn(403, 404));
        }
        // the genuine id on another key does not unwrap either
        assertThatThrownBy(() -> client.uploadPart(
                        b -> b.bucket(bucket).key("mp/other").uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(random(100, 6))))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isIn(403, 404));
        assertThat(client.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId))
                        .parts())
                .isEmpty();
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        assertThat(Files.exists(store().objectPath(bucket, key))).isFalse();
    }

    @Test
    void shouldAnswerRetriedCompletionOfSealedUploadWithSuccess() {
        String key = "mp/retried";
        byte[] data = random(70_000, 9);
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String etag = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1), RequestBody.fromBytes(data))
                .eTag();
        CompletedPart part = CompletedPart.builder().partNumber(1).eTag(etag).build();
        String first = client.completeMultipartUpload(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(part)))
                .eTag();
        String again = client.completeMultipartUpload(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(part)))
                .eTag();
        assertThat(again).isEqualTo(first).endsWith("-1\"");
        assertThat(client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
    }

    /** UploadPartCopy encrypts the copied part with the upload's key (EncryptedCopyIT has ranges and mixed sources). */
    @Test
    void shouldEncryptPartCopiedIntoEncryptedUpload() throws IOException {
        byte[] data = random(10, 10);
        client.putObject(b -> b.bucket(bucket).key("mp/source"), RequestBody.fromBytes(data));
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key("mp/copy"))
                .uploadId();
        String etag = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("mp/source")
                        .destinationBucket(bucket)
                        .destinationKey("mp/copy")
                        .uploadId(uploadId)
                        .partNumber(1))
                .copyPartResult()
                .eTag();
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key("mp/copy")
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertThat(Files.readAllBytes(store().objectPath(bucket, "mp/copy")).length)
                .isEqualTo(CiphertextSizes.ciphertextLength(data.length, 65_536));
        assertThat(client.getObject(b -> b.bucket(bucket).key("mp/copy"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldFailClosedOnUploadCompletedWithoutSeal() {
        String key = "mp/unsealed";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        client.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(random(1000, 7)));
        String upstreamId = uploadId.substring(0, uploadId.lastIndexOf('.'));
        // the client heard the plaintext MD5; completing upstream directly takes the stored part's ETag
        String etag = store().directClient()
                .listParts(b -> b.bucket(bucket).key(key).uploadId(upstreamId))
                .parts()
                .get(0)
                .eTag();
        store().directClient()
                .completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(upstreamId)
                        .multipartUpload(m -> m.parts(
                                CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertThatThrownBy(() -> client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    private void assertCiphertextAtRest(String key, byte[] data, int[] partOffsets) throws IOException {
        StoredCiphertext.assertSegmentedParts(Files.readAllBytes(store().objectPath(bucket, key)), data, partOffsets);
    }

    private void assertRange(String key, byte[] data, int first, int last) {
        ResponseBytes<GetObjectResponse> read = client.getObject(
                b -> b.bucket(bucket).key(key).range("bytes=" + first + "-" + last), ResponseTransformer.toBytes());
        assertThat(read.asByteArray())
                .as("bytes=%d-%d", first, last)
                .isEqualTo(Arrays.copyOfRange(data, first, last + 1));
        assertThat(read.response().contentRange()).isEqualTo("bytes " + first + "-" + last + "/" + data.length);
    }
}
