package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.auth.payload.Crc64Nvme;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.TestPolicies;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Issue 10, item 4: S3's flexible checksums under {@code cse-local} and {@code cse-kms} describe the
 * plaintext, as S3 answers them. PutObject echoes the checksum the client sent (header or aws-chunked
 * trailer), the object keeps it sealed ({@code s3seal-x}), and a whole GET or HEAD with
 * {@code x-amz-checksum-mode: ENABLED} answers it, so the AWS SDK v2 at its defaults (CRC32 trailers on
 * upload, response checksum validation WHEN_SUPPORTED, which asks for the checksum on every GET) reads
 * back what it wrote. A sealed checksum edited in the store is never answered as valid.
 */
class PlaintextChecksumsIT extends ProxyIntegrationTest {

    private static final int MIB = 1024 * 1024;
    private static final int HELD = 100_000;
    /** Above {@code max-held-body}: streamed, its trailer checksum sealed by the self-copy after the PUT. */
    private static final int STREAMED = 600_000;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
        registry.add("s3seal.limits.max-held-body", () -> "256KB");
    }

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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docs/held", "docs/streamed", "kms/held", "kms/streamed"})
    void shouldAnswerTheCrc32OfThePlaintextWhenTheSdkWritesAndReadsAtItsDefaults(String key) {
        byte[] data = random(key.endsWith("held") ? HELD : STREAMED, key.hashCode());
        String crc32 = checksum(new CRC32(), data);

        PutObjectResponse put = client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        assertThat(put.checksumCRC32()).isEqualTo(crc32);
        assertThat(put.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);

        // asked for, the checksum is validated by the SDK (response validation WHEN_SUPPORTED, its default)
        // against the bytes it read: a wrong value fails this GET
        ResponseBytes<GetObjectResponse> got = client.getObject(
                b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED), ResponseTransformer.toBytes());
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().checksumCRC32()).isEqualTo(crc32);
        assertThat(got.response().checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);

        HeadObjectResponse head =
                client.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        assertThat(head.checksumCRC32()).isEqualTo(crc32);
        assertThat(head.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CRC32C", "SHA1", "SHA256"})
    void shouldAnswerTheAlgorithmTheClientChoseInItsTrailer(String algorithm) {
        for (int size : new int[] {HELD, STREAMED}) {
            String key = "docs/" + algorithm + "-" + size;
            byte[] data = random(size, size + algorithm.hashCode());
            String expected = expected(algorithm, data);

            PutObjectResponse put = client.putObject(
                    b -> b.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.fromValue(algorithm)),
                    RequestBody.fromBytes(data));
            assertThat(echoed(put, algorithm)).as("PUT of %d bytes", size).isEqualTo(expected);

            ResponseBytes<GetObjectResponse> got = client.getObject(
                    b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED), ResponseTransformer.toBytes());
            assertThat(got.asByteArray()).isEqualTo(data);
            assertThat(answered(got.response(), algorithm))
                    .as("GET of %d bytes", size)
                    .isEqualTo(expected);
        }
    }

    @Test
    void shouldAnswerAChecksumSentAsAHeaderWithTheValue() throws IOException {
        byte[] data = random(HELD, 41);
        String crc64 = checksum(new Crc64Nvme(), data);
        String sha256 = expected("SHA256", data);

        RawHttp.Response crcPut = rawPut("docs/crc64", data, Map.of("x-amz-checksum-crc64nvme", crc64));
        RawHttp.Response shaPut = rawPut("kms/sha256", data, Map.of("x-amz-checksum-sha256", sha256));

        assertThat(crcPut.status()).isEqualTo(200);
        assertThat(crcPut.headers()).containsEntry("x-amz-checksum-crc64nvme", crc64);
        assertThat(crcPut.headers()).containsEntry("x-amz-checksum-type", "FULL_OBJECT");
        assertThat(shaPut.headers()).containsEntry("x-amz-checksum-sha256", sha256);
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/crc64").checksumMode(ChecksumMode.ENABLED))
                        .checksumCRC64NVME())
                .isEqualTo(crc64);
        assertThat(client.getObject(
                                b -> b.bucket(bucket).key("kms/sha256").checksumMode(ChecksumMode.ENABLED),
                                ResponseTransformer.toBytes())
                        .response()
                        .checksumSHA256())
                .isEqualTo(sha256);
    }

    @Test
    void shouldAnswerNoChecksumWithoutTheModeNorForARange() {
        byte[] data = random(STREAMED, 43);
        client.putObject(b -> b.bucket(bucket).key("docs/plain-read"), RequestBody.fromBytes(data));

        try (S3Client withoutMode = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                .build()) {
            GetObjectResponse get = withoutMode
                    .getObject(b -> b.bucket(bucket).key("docs/plain-read"), ResponseTransformer.toBytes())
                    .response();
            assertThat(get.checksumCRC32()).isNull();
            assertThat(get.checksumType()).isNull();
            assertThat(withoutMode
                            .headObject(b -> b.bucket(bucket).key("docs/plain-read"))
                            .checksumCRC32())
                    .isNull();
        }
        ResponseBytes<GetObjectResponse> ranged = client.getObject(
                b -> b.bucket(bucket).key("docs/plain-read").range("bytes=100-70000"), ResponseTransformer.toBytes());
        assertThat(ranged.asByteArray()).isEqualTo(Arrays.copyOfRange(data, 100, 70_001));
        assertThat(ranged.response().checksumCRC32()).isNull();
        assertThat(ranged.response().checksumType()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docs/edited-held", "docs/edited-streamed"})
    void shouldRefuseTheReadThatAsksForAChecksumWhenTheSealedChecksumWasEdited(String key) throws IOException {
        byte[] data = random(key.endsWith("held") ? HELD : STREAMED, 47);
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        // another object's sealed checksum of the same shape: valid syntax, sealed under another data key
        client.putObject(b -> b.bucket(bucket).key("docs/donor"), RequestBody.fromBytes(random(HELD, 48)));
        String donor = storedEntry("docs/donor", "s3seal-x");
        assertThat(storedEntry(key, "s3seal-x")).isNotNull().isNotEqualTo(donor);
        store().editStoredMetadata(bucket, key, "s3seal-x", donor);

        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED),
                        ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
                });
        assertThatThrownBy(
                        () -> client.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        // a read that does not ask for the checksum does not use the entry: the body is authenticated by the format
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .isEqualTo(data);
        // one flipped bit of its own value fails the same way
        byte[] own = Base64.getDecoder().decode(donor);
        own[own.length - 1] ^= 1;
        store().editStoredMetadata(
                        bucket, "docs/donor", "s3seal-x", Base64.getEncoder().encodeToString(own));
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("docs/donor").checksumMode(ChecksumMode.ENABLED),
                        ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    @Test
    void shouldKeepTheChecksumOnACopyThatKeepsThePlaintext() {
        byte[] data = random(HELD, 53);
        String crc32c = expected("CRC32C", data);
        client.putObject(
                b -> b.bucket(bucket).key("docs/source").checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                RequestBody.fromBytes(data));

        // same key: the data key re-wrapped, the body copied upstream; kms/: re-encrypted under another key
        for (String destination : List.of("docs/same-key-copy", "kms/re-encrypted-copy")) {
            client.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("docs/source")
                    .destinationBucket(bucket)
                    .destinationKey(destination));
            GetObjectResponse copied = client.getObject(
                            b -> b.bucket(bucket).key(destination).checksumMode(ChecksumMode.ENABLED),
                            ResponseTransformer.toBytes())
                    .response();
            assertThat(copied.checksumCRC32C()).as(destination).isEqualTo(crc32c);
        }
    }

    @Test
    void shouldKeepTheCompositeChecksumOnASameKeyCopyOfAMultipartObject() {
        String key = "docs/multipart-source";
        byte[] data = random(5 * MIB + 70_000, 59);
        String uploadId = client.createMultipartUpload(
                        b -> b.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId();
        List<CompletedPart> completed = new ArrayList<>();
        for (int[] range : new int[][] {{0, 5 * MIB}, {5 * MIB, data.length}}) {
            int number = completed.size() + 1;
            UploadPartResponse part = client.uploadPart(
                    b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(Arrays.copyOfRange(data, range[0], range[1])));
            completed.add(CompletedPart.builder()
                    .partNumber(number)
                    .eTag(part.eTag())
                    .checksumCRC32(part.checksumCRC32())
                    .build());
        }
        CompleteMultipartUploadResponse done = client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));

        client.copyObject(b ->
                b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey("docs/multipart-copy"));

        assertThat(client.headObject(
                                b -> b.bucket(bucket).key("docs/multipart-copy").checksumMode(ChecksumMode.ENABLED))
                        .checksumCRC32())
                .isEqualTo(done.checksumCRC32())
                .endsWith("-2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CRC32", "CRC32C", "SHA1", "SHA256"})
    void shouldAnswerTheCompositeChecksumOfAnUploadCreatedWithAnAlgorithm(String name) {
        ChecksumAlgorithm algorithm = ChecksumAlgorithm.fromValue(name);
        String key = "kms/composite-" + name;
        byte[] data = random(5 * MIB + 70_000, name.hashCode());
        byte[][] parts = {Arrays.copyOfRange(data, 0, 5 * MIB), Arrays.copyOfRange(data, 5 * MIB, data.length)};

        CreateMultipartUploadResponse created =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key).checksumAlgorithm(algorithm));
        assertThat(created.checksumAlgorithm()).isEqualTo(algorithm);
        assertThat(created.checksumType()).isEqualTo(ChecksumType.COMPOSITE);
        List<CompletedPart> completed = new ArrayList<>();
        ByteArrayOutputStream partChecksums = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i++) {
            int number = i + 1;
            UploadPartResponse part = client.uploadPart(
                    b -> b.bucket(bucket)
                            .key(key)
                            .uploadId(created.uploadId())
                            .partNumber(number)
                            .checksumAlgorithm(algorithm),
                    RequestBody.fromBytes(parts[i]));
            String expectedPart = expected(name, parts[i]);
            assertThat(partChecksum(part, name)).as("part %d", number).isEqualTo(expectedPart);
            partChecksums.writeBytes(Base64.getDecoder().decode(expectedPart));
            completed.add(
                    withChecksum(CompletedPart.builder().partNumber(number).eTag(part.eTag()), name, expectedPart)
                            .build());
        }
        ListPartsResponse listed =
                client.listParts(b -> b.bucket(bucket).key(key).uploadId(created.uploadId()));
        assertThat(listed.checksumAlgorithm()).isEqualTo(algorithm);
        assertThat(listed.checksumType()).isEqualTo(ChecksumType.COMPOSITE);
        assertThat(listed.parts()).hasSize(2);
        // S3's composite: the algorithm over the concatenated binary part checksums, then -N
        String composite = expected(name, partChecksums.toByteArray()) + "-2";

        CompleteMultipartUploadResponse done = client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(created.uploadId()).multipartUpload(m -> m.parts(completed)));
        assertThat(completeChecksum(done, name)).isEqualTo(composite);
        assertThat(done.checksumType()).isEqualTo(ChecksumType.COMPOSITE);

        ResponseBytes<GetObjectResponse> got = client.getObject(
                b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED), ResponseTransformer.toBytes());
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(answered(got.response(), name)).isEqualTo(composite);
        assertThat(got.response().checksumType()).isEqualTo(ChecksumType.COMPOSITE);
        assertThat(headChecksum(
                        client.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED)), name))
                .isEqualTo(composite);
        // S3 answers no whole-object checksum for a range
        assertThat(answered(
                        client.getObject(
                                        b -> b.bucket(bucket)
                                                .key(key)
                                                .range("bytes=5000000-5300000")
                                                .checksumMode(ChecksumMode.ENABLED),
                                        ResponseTransformer.toBytes())
                                .response(),
                        name))
                .isNull();
    }

    @Test
    void shouldAnswerTheFullObjectCrcOfAnUploadCreatedForOneThatTheSdkValidates() {
        String key = "docs/full-object";
        byte[] data = random(5 * MIB + 70_000, 61);
        String crc32 = expected("CRC32", data);
        CreateMultipartUploadResponse created = client.createMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)
                .checksumType(ChecksumType.FULL_OBJECT));
        assertThat(created.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        List<CompletedPart> completed = new ArrayList<>();
        for (int[] range : new int[][] {{0, 5 * MIB}, {5 * MIB, data.length}}) {
            int number = completed.size() + 1;
            UploadPartResponse part = client.uploadPart(
                    b -> b.bucket(bucket).key(key).uploadId(created.uploadId()).partNumber(number),
                    RequestBody.fromBytes(Arrays.copyOfRange(data, range[0], range[1])));
            completed.add(CompletedPart.builder()
                    .partNumber(number)
                    .eTag(part.eTag())
                    .checksumCRC32(part.checksumCRC32())
                    .build());
        }
        client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(created.uploadId()).multipartUpload(m -> m.parts(completed)));

        // a full-object value has no -N: the SDK validates it against the whole body it read
        ResponseBytes<GetObjectResponse> got = client.getObject(
                b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED), ResponseTransformer.toBytes());
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().checksumCRC32()).isEqualTo(crc32);
        assertThat(got.response().checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
    }

    @Test
    void shouldReadBackAnUploadTheSdkMadeAtItsDefaults() {
        String key = "docs/defaults-multipart";
        byte[] data = random(5 * MIB + 70_000, 67);
        TwoPartUpload.upload(client, bucket, key, data, 5 * MIB, b -> {});

        // no algorithm at creation: S3 keeps no composite checksum, and the SDK reads with validation on
        ResponseBytes<GetObjectResponse> got = client.getObject(
                b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED), ResponseTransformer.toBytes());
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().checksumCRC32()).isNull();
    }

    @Test
    void shouldRefuseAPartOrACompletionThatBreaksTheUploadsAlgorithm() {
        String key = "docs/mismatch";
        byte[] part = random(5 * MIB, 71);
        String uploadId = client.createMultipartUpload(
                        b -> b.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();

        assertThatThrownBy(() -> client.uploadPart(
                        b -> b.bucket(bucket)
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(1)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        RequestBody.fromBytes(part)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Checksum Type mismatch");
                });
        UploadPartResponse stored = client.uploadPart(
                b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(1)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromBytes(part));
        // a composite upload's completion names every part's checksum
        assertThatThrownBy(() -> client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(CompletedPart.builder()
                                .partNumber(1)
                                .eTag(stored.eTag())
                                .build()))))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("missing for part 1");
                });
        // a whole-object checksum on the completion must be the one the parts give (here: the part's own)
        String composite = expected("SHA256", Base64.getDecoder().decode(expected("SHA256", part))) + "-1";
        assertThatThrownBy(() -> client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .checksumSHA256(expected("SHA256", part) + "-1")
                        .multipartUpload(m -> m.parts(CompletedPart.builder()
                                .partNumber(1)
                                .eTag(stored.eTag())
                                .checksumSHA256(stored.checksumSHA256())
                                .build()))))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest");
                });
        // the upload stayed open
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .checksumSHA256(composite)
                .multipartUpload(m -> m.parts(CompletedPart.builder()
                        .partNumber(1)
                        .eTag(stored.eTag())
                        .checksumSHA256(stored.checksumSHA256())
                        .build())));
        assertThat(client.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED))
                        .checksumSHA256())
                .isEqualTo(composite);
    }

    private RawHttp.Response rawPut(String key, byte[] data, Map<String, String> headers) throws IOException {
        SignedRequests.Signed put = SignedRequests.put(
                endpoint(),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + bucket + "/" + key,
                data,
                SignedRequests.Payload.SIGNED,
                Clock.systemUTC(),
                headers);
        return RawHttp.send(port, "PUT", put.pathAndQuery(), put.headers(), put.body(), put.body().length);
    }

    private String storedEntry(String key, String entry) {
        try (S3Client direct = store().directClient()) {
            return direct.headObject(b -> b.bucket(bucket).key(key)).metadata().get(entry);
        }
    }

    static String expected(String algorithm, byte[] data) {
        return switch (algorithm) {
            case "CRC32" -> checksum(new CRC32(), data);
            case "CRC32C" -> checksum(new CRC32C(), data);
            case "CRC64NVME" -> checksum(new Crc64Nvme(), data);
            case "SHA1" -> digest("SHA-1", data);
            case "SHA256" -> digest("SHA-256", data);
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    static String checksum(Checksum checksum, byte[] data) {
        checksum.update(data, 0, data.length);
        long value = checksum.getValue();
        byte[] bytes = checksum instanceof Crc64Nvme
                ? ByteBuffer.allocate(8).putLong(value).array()
                : ByteBuffer.allocate(4).putInt((int) value).array();
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String digest(String algorithm, byte[] data) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance(algorithm).digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String echoed(PutObjectResponse put, String algorithm) {
        return switch (algorithm) {
            case "CRC32C" -> put.checksumCRC32C();
            case "SHA1" -> put.checksumSHA1();
            case "SHA256" -> put.checksumSHA256();
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static String answered(GetObjectResponse get, String algorithm) {
        return switch (algorithm) {
            case "CRC32" -> get.checksumCRC32();
            case "CRC32C" -> get.checksumCRC32C();
            case "SHA1" -> get.checksumSHA1();
            case "SHA256" -> get.checksumSHA256();
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static CompletedPart.Builder withChecksum(CompletedPart.Builder part, String algorithm, String value) {
        return switch (algorithm) {
            case "CRC32" -> part.checksumCRC32(value);
            case "CRC32C" -> part.checksumCRC32C(value);
            case "SHA1" -> part.checksumSHA1(value);
            case "SHA256" -> part.checksumSHA256(value);
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static String partChecksum(UploadPartResponse part, String algorithm) {
        return switch (algorithm) {
            case "CRC32" -> part.checksumCRC32();
            case "CRC32C" -> part.checksumCRC32C();
            case "SHA1" -> part.checksumSHA1();
            case "SHA256" -> part.checksumSHA256();
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static String completeChecksum(CompleteMultipartUploadResponse done, String algorithm) {
        return switch (algorithm) {
            case "CRC32" -> done.checksumCRC32();
            case "CRC32C" -> done.checksumCRC32C();
            case "SHA1" -> done.checksumSHA1();
            case "SHA256" -> done.checksumSHA256();
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static String headChecksum(HeadObjectResponse head, String algorithm) {
        return switch (algorithm) {
            case "CRC32" -> head.checksumCRC32();
            case "CRC32C" -> head.checksumCRC32C();
            case "SHA1" -> head.checksumSHA1();
            case "SHA256" -> head.checksumSHA256();
            default -> throw new IllegalArgumentException(algorithm);
        };
    }
}
