package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.quotedMd5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.encryption.s3.CommitmentPolicy;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.algorithms.AlgorithmSuite;
import software.amazon.encryption.s3.materials.AesKeyring;
import software.amazon.encryption.s3.materials.KmsKeyring;

/**
 * {@code format: s3ec-v3} end to end, with the AWS S3 Encryption Client v4 as the oracle working directly
 * against the same S3Proxy store: what s3seal writes the client reads, what the client writes s3seal reads
 * (under s3ec-v3 rules and under s3seal-format rules alike), only under the rule's own key, tampering fails the
 * read before any plaintext byte, part 1 is the whole object, ranges are refused unless allowed and then correct,
 * HEAD and listings show plaintext sizes, multipart is refused; CopyObject from and to the client's format streams
 * through s3seal (the oracle reads what it writes) and stores nothing when the source does not authenticate.
 */
class S3ecFormatIT extends ProxyIntegrationTest {

    private static String kmsKeyId;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        kmsKeyId = TestPolicies.register(
                registry,
                List.of(
                        "  - name: s3ec-bob",
                        "    key-prefixes: [mixed/]",
                        "    principals: [bob]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      format: s3ec-v3",
                        "  - name: s3ec-kms",
                        "    key-prefixes: [kms/]",
                        "    mode: cse-kms",
                        "    key: kms-main",
                        "    options:",
                        "      format: s3ec-v3",
                        "  - name: s3ec-ranges",
                        "    key-prefixes: [ranges/]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      format: s3ec-v3",
                        "      allow-unauthenticated-s3ec-ranges: true",
                        "  - name: s3ec-local",
                        "    key-prefixes: [local/]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      format: s3ec-v3",
                        "  - name: plain",
                        "    key-prefixes: [plain/]",
                        "    mode: passthrough",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master"));
    }

    @org.springframework.beans.factory.annotation.Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    private String bucket;
    private S3Client client;
    private S3Client direct;
    private S3AsyncClient directAsync;
    private KmsClient kms;
    private S3EncryptionClient awsKms;
    private S3EncryptionClient awsAes;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
        direct = store().directClient();
        directAsync = S3Clients.async(store().endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        kms = KmsClient.builder()
                .endpointOverride(MotoServer.get().endpoint())
                .region(Region.of(MotoServer.REGION))
                .credentialsProvider(MotoServer.CREDENTIALS)
                .build();
        awsKms = oracle(false, true);
        awsAes = oracle(false, false);
    }

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {awsKms, awsAes, kms, directAsync, client}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** The AWS client over the raw store: a KMS keyring on kms-main or an AES keyring on the master key. */
    private S3EncryptionClient oracle(boolean legacyV2, boolean withKms) {
        S3EncryptionClient.Builder b = S3EncryptionClient.builderV4()
                .wrappedClient(direct)
                .wrappedAsyncClient(directAsync)
                .region(Region.US_EAST_1)
                .credentialsProvider(S3Clients.credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        if (withKms) {
            b.keyring(
                    KmsKeyring.builder().kmsClient(kms).wrappingKeyId(kmsKeyId).build());
        } else {
            b.keyring(AesKeyring.builder()
                    .wrappingKey(new SecretKeySpec(TestPolicies.masterKeyMaterial(), "AES"))
                    .build());
        }
        if (legacyV2) {
            b.commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
                    .encryptionAlgorithm(AlgorithmSuite.ALG_AES_256_GCM_IV12_TAG16_NO_KDF);
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 32, 100_003})
    void shouldWriteObjectTheAwsClientReadsWhenCseKmsS3ecV3(int size) throws IOException {
        byte[] data = random(size);
        client.putObject(
                b -> b.bucket(bucket).key("kms/obj").metadata(Map.of("owner", "alice")), RequestBody.fromBytes(data));

        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "kms/obj"));
        assertThat(atRest).hasSize(size + 16);
        Map<String, String> stored =
                direct.headObject(b -> b.bucket(bucket).key("kms/obj")).metadata();
        assertThat(stored)
                .containsEntry("x-amz-c", "115")
                .containsEntry("x-amz-w", "12")
                .containsKeys("x-amz-3", "x-amz-i", "x-amz-d", "x-amz-t")
                .containsEntry("owner", "alice");

        ResponseBytes<GetObjectResponse> read =
                awsKms.getObjectAsBytes(b -> b.bucket(bucket).key("kms/obj"));
        assertThat(read.asByteArray()).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 17, 65_536})
    void shouldWriteObjectTheAwsClientReadsWhenCseLocalS3ecV3(int size) {
        byte[] data = random(size);
        client.putObject(b -> b.bucket(bucket).key("local/obj"), RequestBody.fromBytes(data));

        Map<String, String> stored =
                direct.headObject(b -> b.bucket(bucket).key("local/obj")).metadata();
        assertThat(stored).containsEntry("x-amz-c", "115").containsEntry("x-amz-w", "02");
        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/obj"))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.getObject(b -> b.bucket(bucket).key("local/obj"), ResponseTransformer.toBytes())
                        .asByteArray())
                .as("s3seal reads back what it wrote")
                .isEqualTo(data);
    }

    @Test
    void shouldReadObjectsWrittenByAwsClientUnderS3ecV3Rules() {
        byte[] big = random(1_048_581);
        writeWithOracle(awsKms, "kms/from-aws", big, Map.of("owner", "bob"));
        ResponseBytes<GetObjectResponse> read =
                client.getObject(b -> b.bucket(bucket).key("kms/from-aws"), ResponseTransformer.toBytes());
        assertThat(read.asByteArray()).isEqualTo(big);
        assertThat(read.response().contentLength()).isEqualTo(big.length);
        assertThat(read.response().metadata())
                .containsEntry("owner", "bob")
                .doesNotContainKeys("x-amz-c", "x-amz-3", "x-amz-w", "x-amz-i", "x-amz-d", "x-amz-t");

        byte[] small = random(5);
        writeWithOracle(awsAes, "local/from-aws", small, Map.of());
        assertThat(client.getObject(b -> b.bucket(bucket).key("local/from-aws"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(small);
    }

    @Test
    void shouldReadAwsClientObjectsUnderS3sealFormatRuleAndStillWriteS3sealFormat() throws IOException {
        try (S3EncryptionClient awsAesV2 = oracle(true, false)) {
            byte[] v2 = random(70_001);
            writeWithOracle(awsAesV2, "docs/v2", v2, Map.of());
            assertThat(direct.headObject(b -> b.bucket(bucket).key("docs/v2")).metadata())
                    .containsKey("x-amz-key-v2");
            assertThat(client.getObject(b -> b.bucket(bucket).key("docs/v2"), ResponseTransformer.toBytes())
                            .asByteArray())
                    .isEqualTo(v2);
        }
        byte[] v3 = random(4_097);
        writeWithOracle(awsAes, "docs/v3", v3, Map.of());
        assertThat(client.getObject(b -> b.bucket(bucket).key("docs/v3"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(v3);
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/v3")).contentLength())
                .isEqualTo(4_097L);

        client.putObject(b -> b.bucket(bucket).key("docs/ours"), RequestBody.fromBytes(v3));
        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "docs/ours"));
        assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("S3SL");
    }

    @Test
    void shouldAnswerAnErrorBeforeAnyPlaintextByteWhenS3ecCiphertextWasTamperedAtRest() throws IOException {
        byte[] data = marked(300_000);
        client.putObject(b -> b.bucket(bucket).key("local/tampered"), RequestBody.fromBytes(data));
        Path file = store().objectPath(bucket, "local/tampered");
        byte[] stored = Files.readAllBytes(file);
        stored[250_000] ^= 0x01;
        Files.write(file, stored);

        assertThatThrownBy(() ->
                        client.getObject(b -> b.bucket(bucket).key("local/tampered"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
                });

        SignedRequests.Signed get = SignedRequests.get(
                endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/local/tampered", Clock.systemUTC());
        RawHttp.Response raw = RawHttp.send(port, "GET", get.pathAndQuery(), get.headers(), new byte[0], 0);
        assertThat(raw.status())
                .as("the tag is checked before the response starts")
                .isEqualTo(403);
        assertThat(raw.body())
                .contains("<Code>InvalidObjectState</Code>")
                .as("not one byte of the (unauthenticated) plaintext reached the client")
                .doesNotContain(MARK);
        assertThat(raw.body().length()).isLessThan(2_000);

        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("local/tampered").partNumber(1), ResponseTransformer.toBytes()))
                .as("part 1 is the whole object, read through the same authenticated path")
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
    }

    @Test
    void shouldReadTheObjectTwiceUpstreamWhenServingAWholeGet() {
        byte[] data = random(200_000);
        client.putObject(b -> b.bucket(bucket).key("local/twice"), RequestBody.fromBytes(data));
        double before = upstreamGets();
        assertThat(client.getObject(b -> b.bucket(bucket).key("local/twice"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
        assertThat(upstreamGets() - before)
                .as("verify, then decrypt a second read")
                .isEqualTo(2.0);
    }

    private double upstreamGets() {
        var timer = meters.find("s3seal.upstream.requests")
                .tag("method", "GET")
                .tag("status", "2xx")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void shouldFailTheReadWhenTheTagOfAnEmptyS3ecObjectWasTampered() throws IOException {
        client.putObject(b -> b.bucket(bucket).key("local/empty"), RequestBody.fromBytes(new byte[0]));
        Path file = store().objectPath(bucket, "local/empty");
        byte[] stored = Files.readAllBytes(file);
        stored[3] ^= 0x01;
        Files.write(file, stored);
        assertThatThrownBy(
                        () -> client.getObject(b -> b.bucket(bucket).key("local/empty"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
    }

    @Test
    void shouldRefuseRangedGetOfS3ecObjectUnlessTheRuleAllowsIt() {
        client.putObject(b -> b.bucket(bucket).key("local/r"), RequestBody.fromBytes(random(1_000)));
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("local/r").range("bytes=0-9"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("allow-unauthenticated-s3ec-ranges");
                });
    }

    @Test
    void shouldServeUnauthenticatedRangesWhenTheRuleAllowsThem() {
        byte[] data = random(100_000);
        client.putObject(b -> b.bucket(bucket).key("ranges/r"), RequestBody.fromBytes(data));
        assertRange("ranges/r", "bytes=0-9", data, 0, 9);
        assertRange("ranges/r", "bytes=17-40", data, 17, 40);
        assertRange("ranges/r", "bytes=65530-65545", data, 65_530, 65_545);
        assertRange("ranges/r", "bytes=99990-", data, 99_990, data.length - 1);
        assertRange("ranges/r", "bytes=-7", data, data.length - 7, data.length - 1);
        assertRange("ranges/r", "bytes=99999-200000", data, 99_999, data.length - 1);
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("ranges/r").range("bytes=100000-"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(416));

        byte[] fromAws = random(33);
        writeWithOracle(awsAes, "ranges/aws", fromAws, Map.of());
        assertRange("ranges/aws", "bytes=16-31", fromAws, 16, 31);
    }

    @Test
    void shouldShowPlaintextSizesInHeadAndListingsOfS3ecObjects() {
        client.putObject(b -> b.bucket(bucket).key("local/a"), RequestBody.fromBytes(random(0)));
        client.putObject(b -> b.bucket(bucket).key("local/b"), RequestBody.fromBytes(random(12_345)));
        client.putObject(b -> b.bucket(bucket).key("kms/c"), RequestBody.fromBytes(random(70_000)));
        client.putObject(b -> b.bucket(bucket).key("docs/d"), RequestBody.fromBytes(random(3)));

        var head = client.headObject(b -> b.bucket(bucket).key("local/b"));
        assertThat(head.contentLength()).isEqualTo(12_345L);
        assertThat(head.metadata()).doesNotContainKeys("x-amz-c", "x-amz-3");
        assertThat(head.eTag())
                .isEqualTo(
                        direct.headObject(b -> b.bucket(bucket).key("local/b")).eTag());

        Map<String, Long> sizes = new HashMap<>();
        client.listObjectsV2(b -> b.bucket(bucket)).contents().forEach(o -> sizes.put(o.key(), o.size()));
        assertThat(sizes)
                .containsEntry("local/a", 0L)
                .containsEntry("local/b", 12_345L)
                .containsEntry("kms/c", 70_000L)
                .containsEntry("docs/d", 3L);
        Map<String, Long> v1 = new HashMap<>();
        client.listObjects(b -> b.bucket(bucket).prefix("local/")).contents().forEach(o -> v1.put(o.key(), o.size()));
        assertThat(v1).containsEntry("local/b", 12_345L).hasSize(2);
    }

    @Test
    void shouldRefuseMultipartUploadUnderS3ecV3() {
        assertThatThrownBy(
                        () -> client.createMultipartUpload(b -> b.bucket(bucket).key("local/big")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(501);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("s3ec-v3");
                });
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void shouldRefuseClientWrittenS3ecEnvelopeEntriesUnderS3ecV3() {
        assertThatThrownBy(() -> client.putObject(
                        b -> b.bucket(bucket).key("local/forged").metadata(Map.of("x-amz-iv", "AAAA")),
                        RequestBody.fromBytes(random(3))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    }

    @Test
    void shouldDenyReadOfAwsClientObjectWrappedUnderAnotherKey() {
        S3EncryptionClient stranger = S3EncryptionClient.builderV4()
                .wrappedClient(direct)
                .wrappedAsyncClient(directAsync)
                .region(Region.US_EAST_1)
                .credentialsProvider(S3Clients.credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .keyring(AesKeyring.builder()
                        .wrappingKey(new SecretKeySpec(random(32), "AES"))
                        .build())
                .build();
        try (stranger) {
            writeWithOracle(stranger, "local/foreign", random(100), Map.of());
        }
        assertThatThrownBy(() ->
                        client.getObject(b -> b.bucket(bucket).key("local/foreign"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    @Test
    void shouldRefuseObjectsInTheUnauthenticatedV1Format() {
        direct.putObject(
                b -> b.bucket(bucket)
                        .key("local/v1")
                        .metadata(Map.of("x-amz-key", "AAAA", "x-amz-iv", "AAAA", "x-amz-matdesc", "{}")),
                RequestBody.fromBytes(random(32)));
        assertThatThrownBy(() -> client.getObject(b -> b.bucket(bucket).key("local/v1"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
    }

    @Test
    void shouldEvaluateConditionsAgainstTheEtagTheClientWasGiven() {
        String etag = client.putObject(b -> b.bucket(bucket).key("local/cond"), RequestBody.fromBytes(random(40)))
                .eTag();
        assertThat(client.headObject(b -> b.bucket(bucket).key("local/cond")).eTag())
                .isEqualTo(etag);
        assertThat(client.getObject(
                                b -> b.bucket(bucket).key("local/cond").ifMatch(etag), ResponseTransformer.toBytes())
                        .asByteArray())
                .hasSize(40);
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("local/cond").ifNoneMatch(etag), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(304));
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("local/cond").ifMatch("\"0123\""), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    }

    @Test
    void shouldStillAbortAnUploadUnderS3ecV3() {
        String uploadId = direct.createMultipartUpload(b -> b.bucket(bucket).key("local/left-over"))
                .uploadId();
        client.abortMultipartUpload(b -> b.bucket(bucket).key("local/left-over").uploadId(uploadId));
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void shouldDenyKmsWrappedObjectUnderRuleWithLocalKey() {
        writeWithOracle(awsKms, "local/kms-wrapped", random(100), Map.of());
        assertAccessDenied("local/kms-wrapped");
    }

    @Test
    void shouldDenyAesWrappedObjectUnderRuleWithKmsKey() {
        writeWithOracle(awsAes, "kms/aes-wrapped", random(100), Map.of());
        assertAccessDenied("kms/aes-wrapped");
        assertThat(client.headObject(b -> b.bucket(bucket).key("kms/aes-wrapped"))
                        .contentLength())
                .as("HEAD needs no key")
                .isEqualTo(100L);
    }

    @Test
    void shouldDenyObjectWrappedUnderAnotherKmsKeyThanTheRules() {
        String otherKey = MotoServer.get()
                .createKey("s3seal-it-other-" + UUID.randomUUID().toString().substring(0, 8));
        S3EncryptionClient other = S3EncryptionClient.builderV4()
                .wrappedClient(direct)
                .wrappedAsyncClient(directAsync)
                .region(Region.US_EAST_1)
                .credentialsProvider(S3Clients.credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .keyring(KmsKeyring.builder()
                        .kmsClient(kms)
                        .wrappingKeyId(otherKey)
                        .build())
                .build();
        byte[] data = random(100);
        try (other) {
            writeWithOracle(other, "kms/other-key", data, Map.of());
            assertThat(other.getObjectAsBytes(b -> b.bucket(bucket).key("kms/other-key"))
                            .asByteArray())
                    .as("the object itself is sound")
                    .isEqualTo(data);
        }
        assertAccessDenied("kms/other-key");
    }

    @Test
    void shouldServePartOneAsTheWholeS3ecObjectAndRefuseOtherParts() {
        byte[] data = random(70_000);
        client.putObject(b -> b.bucket(bucket).key("local/parts"), RequestBody.fromBytes(data));

        ResponseBytes<GetObjectResponse> part =
                client.getObject(b -> b.bucket(bucket).key("local/parts").partNumber(1), ResponseTransformer.toBytes());
        assertThat(part.asByteArray()).isEqualTo(data);
        assertThat(part.response().contentRange()).isEqualTo("bytes 0-69999/70000");
        assertThat(part.response().contentLength()).isEqualTo(70_000L);
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("local/parts").partNumber(2), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPartNumber");
                });

        var headPart =
                client.headObject(b -> b.bucket(bucket).key("local/parts").partNumber(1));
        assertThat(headPart.contentLength()).isEqualTo(70_000L);
        assertThat(headPart.contentRange()).isEqualTo("bytes 0-69999/70000");
        assertThatThrownBy(() -> client.headObject(
                        b -> b.bucket(bucket).key("local/parts").partNumber(2)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(416));
        var headRange =
                client.headObject(b -> b.bucket(bucket).key("local/parts").range("bytes=10-19"));
        assertThat(headRange.contentLength()).isEqualTo(10L);
        assertThat(headRange.contentRange()).isEqualTo("bytes 10-19/70000");
        assertThatThrownBy(() -> client.headObject(
                        b -> b.bucket(bucket).key("local/parts").range("bytes=70000-")))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(416));

        client.putObject(b -> b.bucket(bucket).key("local/parts-empty"), RequestBody.fromBytes(new byte[0]));
        ResponseBytes<GetObjectResponse> empty = client.getObject(
                b -> b.bucket(bucket).key("local/parts-empty").partNumber(1), ResponseTransformer.toBytes());
        assertThat(empty.asByteArray()).isEmpty();
        assertThat(empty.response().contentRange())
                .as("an empty object has no range to name: served whole")
                .isNull();
    }

    /**
     * Bob's reads of {@code mixed/} fall under an s3ec-v3 rule, Alice's writes there under the s3seal-format default
     * rule (same master key): s3seal-format objects, multipart ones too, must read by part number (the SDK's
     * multipart download) and list with their plaintext sizes under the s3ec-v3 rule.
     */
    @Test
    void shouldServeS3sealFormatPartsAndListingSizesUnderS3ecV3Rule() {
        ensureBobBucket();
        String key = "mixed/" + UUID.randomUUID() + "/mp";
        int partSize = 5 * 1024 * 1024;
        byte[] data = random(partSize + 1_000);
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(BOB_BUCKET).key(key)).uploadId();
        List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new java.util.ArrayList<>();
        int[] offsets = {0, partSize, data.length};
        for (int number = 1; number <= 2; number++) {
            int n = number;
            String etag = client.uploadPart(
                            b -> b.bucket(BOB_BUCKET)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(n),
                            RequestBody.fromBytes(java.util.Arrays.copyOfRange(data, offsets[n - 1], offsets[n])))
                    .eTag();
            parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                    .partNumber(n)
                    .eTag(etag)
                    .build());
        }
        client.completeMultipartUpload(
                b -> b.bucket(BOB_BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));

        try (S3Client bob = S3Clients.sync(endpoint(), BOB_KEY, BOB_SECRET)) {
            for (int number = 1; number <= 2; number++) {
                int n = number;
                ResponseBytes<GetObjectResponse> read =
                        bob.getObject(b -> b.bucket(BOB_BUCKET).key(key).partNumber(n), ResponseTransformer.toBytes());
                assertThat(read.asByteArray())
                        .as("part %d", n)
                        .isEqualTo(java.util.Arrays.copyOfRange(data, offsets[n - 1], offsets[n]));
                assertThat(read.response().partsCount()).isEqualTo(2);
            }
            assertThat(bob.getObject(b -> b.bucket(BOB_BUCKET).key(key), ResponseTransformer.toBytes())
                            .asByteArray())
                    .isEqualTo(data);
            var listed =
                    bob.listObjectsV2(b -> b.bucket(BOB_BUCKET).prefix(key)).contents();
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).eTag()).endsWith("-2\"");
            assertThat(listed.get(0).size())
                    .as("sized as s3seal's multipart format")
                    .isEqualTo((long) data.length);
        }
    }

    /** A listing has no metadata; the lookup of each entry tells s3seal's format from the client's. */
    @Test
    void shouldListExactSizeOfSinglePartS3sealObjectUnderS3ecV3Rule() {
        ensureBobBucket();
        String prefix = "mixed/" + UUID.randomUUID() + "/";
        byte[] sealed = random(70_000);
        byte[] clientFormat = random(12_345);
        client.putObject(b -> b.bucket(BOB_BUCKET).key(prefix + "s3seal"), RequestBody.fromBytes(sealed));
        try (S3Client bob = S3Clients.sync(endpoint(), BOB_KEY, BOB_SECRET)) {
            bob.putObject(b -> b.bucket(BOB_BUCKET).key(prefix + "s3ec"), RequestBody.fromBytes(clientFormat));
            Map<String, software.amazon.awssdk.services.s3.model.S3Object> listed = new HashMap<>();
            bob.listObjectsV2(b -> b.bucket(BOB_BUCKET).prefix(prefix))
                    .contents()
                    .forEach(o -> listed.put(o.key().substring(prefix.length()), o));

            assertThat(listed.get("s3seal").size())
                    .as("s3seal's format under an s3ec-v3 rule")
                    .isEqualTo(70_000L);
            assertThat(listed.get("s3seal").eTag())
                    .isEqualTo(bob.headObject(b -> b.bucket(BOB_BUCKET).key(prefix + "s3seal"))
                            .eTag())
                    .isEqualTo(quotedMd5(sealed));
            assertThat(listed.get("s3ec").size()).as("the client's format").isEqualTo(12_345L);
        }
    }

    @Test
    void shouldCopyS3ecObjectUnderS3ecRuleSoTheAwsClientReadsTheCopy() throws IOException {
        byte[] data = random(100_003);
        writeWithOracle(awsAes, "local/copy-src", data, Map.of("owner", "bob"));
        double getsBefore = upstreamGets();
        String etag = client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("local/copy-src")
                        .destinationBucket(bucket)
                        .destinationKey("local/copy-dst"))
                .copyObjectResult()
                .eTag();
        assertThat(upstreamGets() - getsBefore)
                .as("the source is read once, authenticated as it streams")
                .isEqualTo(1.0);

        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/copy-dst"))
                        .asByteArray())
                .isEqualTo(data);
        Map<String, String> source =
                direct.headObject(b -> b.bucket(bucket).key("local/copy-src")).metadata();
        Map<String, String> stored =
                direct.headObject(b -> b.bucket(bucket).key("local/copy-dst")).metadata();
        assertThat(stored)
                .containsEntry("x-amz-c", "115")
                .containsEntry("x-amz-w", "02")
                .containsEntry("owner", "bob");
        assertThat(stored.get("x-amz-i"))
                .as("re-encrypted under fresh materials")
                .isNotEqualTo(source.get("x-amz-i"));
        assertThat(etag)
                .as("the ETag clients see for such objects: the upstream's")
                .isEqualTo(client.headObject(b -> b.bucket(bucket).key("local/copy-dst"))
                        .eTag())
                .isEqualTo(direct.headObject(b -> b.bucket(bucket).key("local/copy-dst"))
                        .eTag());
        assertThat(client.getObject(b -> b.bucket(bucket).key("local/copy-dst"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);

        byte[] fromKms = random(70_000);
        writeWithOracle(awsKms, "kms/copy-src", fromKms, Map.of());
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("kms/copy-src")
                .destinationBucket(bucket)
                .destinationKey("local/from-kms"));
        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/from-kms"))
                        .metadata())
                .as("rewrapped as the destination rule says")
                .containsEntry("x-amz-w", "02");
        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/from-kms"))
                        .asByteArray())
                .isEqualTo(fromKms);
    }

    @Test
    void shouldStoreS3sealFormatWhenS3ecObjectIsCopiedToS3sealFormatPrefix() throws IOException {
        byte[] data = random(100_003);
        writeWithOracle(awsAes, "local/to-s3seal", data, Map.of());
        String etag = client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("local/to-s3seal")
                        .destinationBucket(bucket)
                        .destinationKey("docs/from-s3ec"))
                .copyObjectResult()
                .eTag();

        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "docs/from-s3ec"));
        assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("S3SL");
        assertThat(direct.headObject(b -> b.bucket(bucket).key("docs/from-s3ec"))
                        .metadata())
                .doesNotContainKeys("x-amz-c", "x-amz-3", "x-amz-w", "x-amz-i", "x-amz-d", "x-amz-t");
        ResponseBytes<GetObjectResponse> read =
                client.getObject(b -> b.bucket(bucket).key("docs/from-s3ec"), ResponseTransformer.toBytes());
        assertThat(read.asByteArray()).isEqualTo(data);
        assertThat(etag)
                .as("s3seal's format shows the plaintext MD5")
                .isEqualTo(quotedMd5(data))
                .isEqualTo(read.response().eTag());

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/to-s3seal")
                .destinationBucket(bucket)
                .destinationKey("plain/from-s3ec"));
        assertThat(Files.readAllBytes(store().objectPath(bucket, "plain/from-s3ec")))
                .as("a passthrough destination gets the plaintext")
                .isEqualTo(data);
    }

    @Test
    void shouldWriteTheClientFormatWhenS3sealOrPlainObjectIsCopiedUnderS3ecRule() {
        byte[] sealed = random(65_537);
        client.putObject(b -> b.bucket(bucket).key("docs/s3seal-src"), RequestBody.fromBytes(sealed));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/s3seal-src")
                .destinationBucket(bucket)
                .destinationKey("kms/from-s3seal"));
        assertThat(direct.headObject(b -> b.bucket(bucket).key("kms/from-s3seal"))
                        .metadata())
                .containsEntry("x-amz-c", "115")
                .containsEntry("x-amz-w", "12");
        assertThat(awsKms.getObjectAsBytes(b -> b.bucket(bucket).key("kms/from-s3seal"))
                        .asByteArray())
                .isEqualTo(sealed);

        byte[] plain = random(40);
        client.putObject(b -> b.bucket(bucket).key("plain/src"), RequestBody.fromBytes(plain));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("plain/src")
                .destinationBucket(bucket)
                .destinationKey("local/from-plain"));
        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/from-plain"))
                        .asByteArray())
                .isEqualTo(plain);

        client.putObject(b -> b.bucket(bucket).key("local/empty-src"), RequestBody.fromBytes(new byte[0]));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/empty-src")
                .destinationBucket(bucket)
                .destinationKey("local/empty-dst"));
        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/empty-dst"))
                        .asByteArray())
                .isEmpty();
    }

    @ParameterizedTest(name = "to {0}")
    @ValueSource(strings = {"docs/", "local/", "plain/"})
    void shouldStoreNothingWhenTheS3ecCopySourceWasTamperedAtRest(String destinationPrefix) throws IOException {
        client.putObject(b -> b.bucket(bucket).key("local/tampered-src"), RequestBody.fromBytes(marked(300_000)));
        tamper("local/tampered-src", 250_000);
        client.putObject(b -> b.bucket(bucket).key("local/tampered-empty"), RequestBody.fromBytes(new byte[0]));
        tamper("local/tampered-empty", 3);

        for (String source : List.of("local/tampered-src", "local/tampered-empty")) {
            String destination = destinationPrefix + "tampered-copy-of-" + source.substring("local/".length());
            assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey(source)
                            .destinationBucket(bucket)
                            .destinationKey(destination)))
                    .as(source)
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
                    });
            assertThatThrownBy(() -> direct.headObject(b -> b.bucket(bucket).key(destination)))
                    .as("nothing stored at " + destination)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
            assertThat(Files.exists(store().objectPath(bucket, destination))).isFalse();
        }
    }

    @Test
    void shouldDropTheClientEnvelopeButKeepUserMetadataWhenCopyDirectiveIsCopy() {
        // closing an oracle closes the direct client it wraps: this one is closed when the test is done with it
        S3EncryptionClient awsAesV2 = oracle(true, false);
        try {
            writeWithOracle(awsAesV2, "local/meta-src", random(3_000), Map.of("owner", "bob"));
            assertEnvelopeDroppedOnCopy();
        } finally {
            awsAesV2.close();
        }
    }

    private void assertEnvelopeDroppedOnCopy() {
        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/meta-src"))
                        .metadata())
                .containsKeys("x-amz-key-v2", "x-amz-iv", "x-amz-cek-alg");
        List<String> v2Envelope = List.of(
                "x-amz-key-v2",
                "x-amz-iv",
                "x-amz-cek-alg",
                "x-amz-wrap-alg",
                "x-amz-tag-len",
                "x-amz-matdesc",
                "x-amz-unencrypted-content-length");

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/meta-src")
                .destinationBucket(bucket)
                .destinationKey("local/meta-dst"));
        Map<String, String> asS3ec =
                direct.headObject(b -> b.bucket(bucket).key("local/meta-dst")).metadata();
        assertThat(asS3ec)
                .containsEntry("owner", "bob")
                .containsEntry("x-amz-c", "115")
                .doesNotContainKeys(v2Envelope.toArray(String[]::new));

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/meta-src")
                .destinationBucket(bucket)
                .destinationKey("docs/meta-dst"));
        Map<String, String> asS3seal =
                direct.headObject(b -> b.bucket(bucket).key("docs/meta-dst")).metadata();
        assertThat(asS3seal).containsEntry("owner", "bob").doesNotContainKeys(v2Envelope.toArray(String[]::new));
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/meta-dst")).metadata())
                .containsExactly(Map.entry("owner", "bob"));

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/meta-src")
                .destinationBucket(bucket)
                .destinationKey("local/meta-replaced")
                .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)
                .metadata(Map.of("colour", "blue")));
        assertThat(client.headObject(b -> b.bucket(bucket).key("local/meta-replaced"))
                        .metadata())
                .containsExactly(Map.entry("colour", "blue"));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("local/meta-src")
                        .destinationBucket(bucket)
                        .destinationKey("local/meta-forged")
                        .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)
                        .metadata(Map.of("x-amz-iv", "AAAA"))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    }

    @Test
    void shouldAnswerPreconditionFailedWhenCopySourceEtagConditionFailsOnS3ecObject() {
        client.putObject(b -> b.bucket(bucket).key("local/cond-src"), RequestBody.fromBytes(random(50)));
        String etag =
                client.headObject(b -> b.bucket(bucket).key("local/cond-src")).eTag();
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("local/cond-src")
                        .destinationBucket(bucket)
                        .destinationKey("local/cond-dst")
                        .copySourceIfMatch("\"0123\"")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("local/cond-src")
                        .destinationBucket(bucket)
                        .destinationKey("docs/cond-dst")
                        .copySourceIfNoneMatch(etag)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(Files.exists(store().objectPath(bucket, "local/cond-dst"))).isFalse();

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/cond-src")
                .destinationBucket(bucket)
                .destinationKey("local/cond-dst")
                .copySourceIfMatch(etag));
        assertThat(client.headObject(b -> b.bucket(bucket).key("local/cond-dst"))
                        .contentLength())
                .isEqualTo(50L);
    }

    @Test
    void shouldCopyAndMoveWithAwsCliBetweenKeysUnderS3ecRule(@org.junit.jupiter.api.io.TempDir Path workDir)
            throws IOException {
        byte[] data = random(1_500_000);
        writeWithOracle(awsAes, "local/cli-src", data, Map.of("owner", "bob"));
        dev.s3seal.testsupport.CliClients cli =
                new dev.s3seal.testsupport.CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir);
        cli.aws("s3", "cp", "s3://" + bucket + "/local/cli-src", "s3://" + bucket + "/local/cli-copy");
        cli.aws("s3", "mv", "s3://" + bucket + "/local/cli-copy", "s3://" + bucket + "/local/cli-moved");

        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/cli-moved"))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/cli-moved"))
                        .metadata())
                .containsEntry("owner", "bob")
                .containsEntry("x-amz-c", "115");
        assertThat(Files.exists(store().objectPath(bucket, "local/cli-copy")))
                .as("moved away")
                .isFalse();
        Path local = workDir.resolve("back.bin");
        cli.aws("s3", "cp", "s3://" + bucket + "/local/cli-moved", local.toString());
        assertThat(Files.readAllBytes(local)).isEqualTo(data);
    }

    @Test
    void shouldRefuseUploadPartCopyFromS3ecSource() {
        writeWithOracle(awsAes, "local/part-src", random(1_000), Map.of());
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key("docs/part-dst"))
                .uploadId();
        assertThatThrownBy(() -> client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("local/part-src")
                        .destinationBucket(bucket)
                        .destinationKey("docs/part-dst")
                        .uploadId(uploadId)
                        .partNumber(1)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(501);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("cannot be authenticated");
                });
        client.abortMultipartUpload(b -> b.bucket(bucket).key("docs/part-dst").uploadId(uploadId));
    }

    @Test
    void shouldRefuseUploadPartCopyIntoUploadUnderS3ecRule() {
        client.putObject(b -> b.bucket(bucket).key("docs/into-src"), RequestBody.fromBytes(random(1_000)));
        String uploadId = direct.createMultipartUpload(b -> b.bucket(bucket).key("local/into-dst"))
                .uploadId();
        assertThatThrownBy(() -> client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/into-src")
                        .destinationBucket(bucket)
                        .destinationKey("local/into-dst")
                        .uploadId(uploadId)
                        .partNumber(1)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(501);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("s3ec-v3");
                });
        direct.abortMultipartUpload(b -> b.bucket(bucket).key("local/into-dst").uploadId(uploadId));
    }

    /** Same mode and key on both sides, but the destination's rule writes the client's format: no re-wrap. */
    @Test
    void shouldWriteClientFormatWhenCopyingUnderTheSameKeyIntoS3ecRule() {
        byte[] sealed = random(70_001);
        client.putObject(b -> b.bucket(bucket).key("docs/same-key-src"), RequestBody.fromBytes(sealed));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/same-key-src")
                .destinationBucket(bucket)
                .destinationKey("local/same-key-dst"));

        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/same-key-dst"))
                        .metadata())
                .containsEntry("x-amz-c", "115")
                .doesNotContainKey("s3seal-k");
        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/same-key-dst"))
                        .asByteArray())
                .isEqualTo(sealed);
    }

    /** Small sources, where the tag is a large share of the object: every damage refuses the copy everywhere. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 15, 16, 17, 31, 32, 33, 8192, 65536})
    void shouldStoreNothingWhenASmallS3ecSourceWasTampered(int size) throws IOException {
        String source = "local/small-tampered-" + size;
        client.putObject(b -> b.bucket(bucket).key(source), RequestBody.fromBytes(marked(size)));
        Path file = store().objectPath(bucket, source);
        long stored = Files.size(file);
        for (long offset : new long[] {0, stored - 1, Math.max(0, stored - 17)}) {
            byte[] original = Files.readAllBytes(file);
            byte[] damaged = original.clone();
            damaged[(int) offset] ^= 0x01;
            Files.write(file, damaged);
            for (String prefix : List.of("docs/", "local/", "plain/")) {
                String destination = prefix + "small-copy-" + size + "-" + offset;
                assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                                .sourceKey(source)
                                .destinationBucket(bucket)
                                .destinationKey(destination)))
                        .as(destination)
                        .isInstanceOfSatisfying(
                                S3Exception.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
                assertThat(Files.exists(store().objectPath(bucket, destination)))
                        .as("stored " + destination)
                        .isFalse();
            }
            Files.write(file, original);
        }
    }

    @Test
    void shouldReplaceMetadataOfAClientFormatObjectCopiedOntoItself() {
        byte[] data = random(200_000);
        writeWithOracle(awsAes, "local/self", data, Map.of("owner", "bob"));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("local/self")
                .destinationBucket(bucket)
                .destinationKey("local/self")
                .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)
                .metadata(Map.of("colour", "blue")));

        assertThat(awsAes.getObjectAsBytes(b -> b.bucket(bucket).key("local/self"))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.headObject(b -> b.bucket(bucket).key("local/self")).metadata())
                .containsExactly(Map.entry("colour", "blue"));
    }

    private void tamper(String key, int offset) throws IOException {
        Path file = store().objectPath(bucket, key);
        byte[] stored = Files.readAllBytes(file);
        stored[offset] ^= 0x01;
        Files.write(file, stored);
    }

    private void assertAccessDenied(String key) {
        assertThatThrownBy(() -> client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    private static final String MARK = "PLAINTEXT-MARK-";

    /** Plaintext made of a recognisable ASCII marker, so a response can be searched for any of it. */
    private static byte[] marked(int size) {
        byte[] data = new byte[size];
        byte[] mark = MARK.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            data[i] = mark[i % mark.length];
        }
        return data;
    }

    private void assertRange(String key, String range, byte[] data, int first, int last) {
        ResponseBytes<GetObjectResponse> got =
                client.getObject(b -> b.bucket(bucket).key(key).range(range), ResponseTransformer.toBytes());
        assertThat(got.asByteArray()).as(range).isEqualTo(java.util.Arrays.copyOfRange(data, first, last + 1));
        assertThat(got.response().contentRange()).isEqualTo("bytes " + first + "-" + last + "/" + data.length);
    }

    /**
     * The oracle occasionally stalls its own body publisher under load and cannot retry itself (it would reuse
     * its IV); a new putObject encrypts afresh (see AwsClientInteropTest).
     */
    private void writeWithOracle(S3EncryptionClient aws, String key, byte[] data, Map<String, String> metadata) {
        for (int attempt = 1; ; attempt++) {
            try {
                aws.putObject(b -> b.bucket(bucket).key(key).metadata(metadata), RequestBody.fromBytes(data));
                return;
            } catch (software.amazon.encryption.s3.S3EncryptionClientException stalled) {
                if (attempt == 3) {
                    throw stalled;
                }
            }
        }
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size * 31L + UUID.randomUUID().hashCode()).nextBytes(data);
        return data;
    }
}
