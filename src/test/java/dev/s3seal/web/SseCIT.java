package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * sse-c inject and emulated against S3Proxy's transient store, which enforces SSE-C: under inject
 * the stored objects only read back directly with s3seal's customer key; under emulated s3seal
 * encrypts itself, so the store holds s3seal's ciphertext, readable without any SSE-C key, and
 * only a salted HMAC of the client's key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SseCIT {

    private static final String KEY = "carol-key";
    private static final String SECRET = "carol-secret-ssec";
    private static final byte[] INJECTED = new byte[32];
    private static final byte[] CLIENT_KEY = new byte[32];
    private static final byte[] OTHER_KEY = new byte[32];

    static {
        new Random(7).nextBytes(INJECTED);
        new Random(8).nextBytes(CLIENT_KEY);
        new Random(9).nextBytes(OTHER_KEY);
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        S3ProxyServer store = S3ProxyServer.transientStore();
        Path dir = Files.createTempDirectory("s3seal-ssec");
        Path keyFile = dir.resolve("injected.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(INJECTED));
        Path masterFile = dir.resolve("master.key");
        Files.writeString(masterFile, Base64.getEncoder().encodeToString(random(32, 10)));
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "keys:",
                        "  injected:",
                        "    type: customer",
                        "    file: " + keyFile,
                        "  master:",
                        "    type: local",
                        "    versions:",
                        "      - version: 1",
                        "        file: " + masterFile,
                        "rules:",
                        "  - name: injected",
                        "    buckets: inject-*",
                        "    mode: sse-c",
                        "    variant: inject",
                        "    key: injected",
                        "  - name: emulated",
                        "    buckets: emul-*",
                        "    mode: sse-c",
                        "    variant: emulated",
                        "  - name: client-side-with-client-sse",
                        "    buckets: csec-*",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      allow-client-sse-headers: true",
                        "  - name: client-side",
                        "    buckets: cse-*",
                        "    mode: cse-local",
                        "    key: master",
                        "  - name: default",
                        "    mode: passthrough",
                        ""));
        store.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "carol");
        registry.add("s3seal.clients[0].access-key-id", () -> KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> SECRET);
        registry.add("s3seal.policy", policy::toString);
        registry.add("management.server.port", () -> "0");
    }

    // ---- inject ----

    @Test
    void shouldStoreUnderTheInjectedKeyWhenTheClientSendsNone() {
        String bucket = bucket("inject-");
        try (S3Client client = client()) {
            client.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("injected body"));
            ResponseBytes<GetObjectResponse> read =
                    client.getObject(b -> b.bucket(bucket).key("k"), ResponseTransformer.toBytes());
            assertThat(read.asUtf8String()).isEqualTo("injected body");
            assertThat(read.response().sseCustomerAlgorithm()).isNull();
            assertThat(read.response().sseCustomerKeyMD5()).isNull();
            assertThat(client.headObject(b -> b.bucket(bucket).key("k")).contentLength())
                    .isEqualTo(13);
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThatThrownBy(
                            () -> direct.getObjectAsBytes(b -> b.bucket(bucket).key("k")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket)
                                    .key("k")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(INJECTED))
                                    .sseCustomerKeyMD5(md5(INJECTED)))
                            .asUtf8String())
                    .isEqualTo("injected body");
        }
    }

    @Test
    void shouldRefuseClientEncryptionHeadersUnderInject() {
        String bucket = bucket("inject-");
        try (S3Client client = client()) {
            assertThatThrownBy(() -> client.putObject(
                            b -> b.bucket(bucket)
                                    .key("k")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(CLIENT_KEY))
                                    .sseCustomerKeyMD5(md5(CLIENT_KEY)),
                            RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
        }
    }

    @Test
    void shouldInjectTheKeyOnEveryPartOfAMultipartUploadAndOnRangedReads() {
        String bucket = bucket("inject-");
        byte[] data = random(6 * 1024 * 1024 + 123, 1);
        try (S3Client client = client()) {
            multipartUpload(client, bucket, "mp", data, null);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("mp")).asByteArray())
                    .isEqualTo(data);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("mp").range("bytes=100-199"))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOfRange(data, 100, 200));
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket)
                                    .key("mp")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(INJECTED))
                                    .sseCustomerKeyMD5(md5(INJECTED)))
                            .asByteArray())
                    .isEqualTo(data);
        }
    }

    @Test
    void shouldCopyServerSideWithTheInjectedKeyOnSourceAndDestination() {
        String bucket = bucket("inject-");
        try (S3Client client = client()) {
            client.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("copy me"));
            client.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("src")
                    .destinationBucket(bucket)
                    .destinationKey("dst"));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("dst")).asUtf8String())
                    .isEqualTo("copy me");
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThatThrownBy(() -> direct.headObject(b -> b.bucket(bucket).key("dst")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        }
    }

    @Test
    void shouldCopyFromAnInjectedKeySourceIntoAPlainBucket() {
        String injected = bucket("inject-");
        String plain = bucket("plain-");
        byte[] data = random(3000, 6);
        try (S3Client client = client()) {
            client.putObject(b -> b.bucket(injected).key("src"), RequestBody.fromBytes(data));
            client.copyObject(b -> b.sourceBucket(injected)
                    .sourceKey("src")
                    .destinationBucket(plain)
                    .destinationKey("dst"));
            assertThat(client.getObjectAsBytes(b -> b.bucket(plain).key("dst")).asByteArray())
                    .isEqualTo(data);
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThat(direct.getObjectAsBytes(b -> b.bucket(plain).key("dst")).asByteArray())
                    .as("the destination's rule (passthrough) stores it without SSE-C")
                    .isEqualTo(data);
        }
    }

    // ---- emulated ----

    @Test
    void shouldRoundTripUnderTheClientKeyAndEchoItsMd5() {
        String bucket = bucket("emul-");
        try (S3Client client = client()) {
            PutObjectResponse put =
                    client.putObject(b -> withKey(b.bucket(bucket).key("k")), RequestBody.fromString("emulated body"));
            assertThat(put.sseCustomerAlgorithm()).isEqualTo("AES256");
            assertThat(put.sseCustomerKeyMD5()).isEqualTo(md5(CLIENT_KEY));
            ResponseBytes<GetObjectResponse> read =
                    client.getObject(b -> withKey(b.bucket(bucket).key("k")), ResponseTransformer.toBytes());
            assertThat(read.asUtf8String()).isEqualTo("emulated body");
            assertThat(read.response().sseCustomerKeyMD5()).isEqualTo(md5(CLIENT_KEY));
            HeadObjectResponse head =
                    client.headObject(b -> withKey(b.bucket(bucket).key("k")));
            assertThat(head.contentLength()).isEqualTo(13);
            assertThat(head.sseCustomerAlgorithm()).isEqualTo("AES256");
            assertThat(head.eTag()).isEqualTo(put.eTag());
            assertThat(client.listObjectsV2(b -> b.bucket(bucket))
                            .contents()
                            .get(0)
                            .size())
                    .isEqualTo(13);
        }
    }

    @Test
    void shouldAnswerThePlaintextChecksumOfAnEmulatedObjectAsUnderTheClientSideModes() {
        String bucket = bucket("emul-");
        byte[] body = "emulated body with a checksum".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        String expected = java.util.Base64.getEncoder()
                .encodeToString(java.nio.ByteBuffer.allocate(4)
                        .putInt((int) crc.getValue())
                        .array());
        try (S3Client client = client()) {
            PutObjectResponse put = client.putObject(
                    b -> withKey(b.bucket(bucket)
                            .key("k")
                            .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C)),
                    RequestBody.fromBytes(body));
            assertThat(put.checksumCRC32C()).isEqualTo(expected);
            GetObjectResponse read = client.getObject(
                            b -> withKey(b.bucket(bucket).key("k"))
                                    .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED),
                            ResponseTransformer.toBytes())
                    .response();
            assertThat(read.checksumCRC32C()).isEqualTo(expected);
        }
    }

    @Test
    void shouldRefuseAWrongKeyWithAccessDenied() {
        String bucket = bucket("emul-");
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(bucket).key("k")), RequestBody.fromString("secret"));
            assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket(bucket)
                            .key("k")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(OTHER_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY))))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    });
            assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket)
                            .key("k")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(OTHER_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY))))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void shouldRefuseAMissingKeyWithInvalidRequest() {
        String bucket = bucket("emul-");
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(bucket).key("k")), RequestBody.fromString("secret"));
            assertThatThrownBy(
                            () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("k")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("Server Side Encryption");
                    });
            assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("k")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest"));
        }
    }

    @Test
    void shouldRefuseAKeyWhoseMd5DoesNotMatch() {
        String bucket = bucket("emul-");
        try (S3Client client = client()) {
            assertThatThrownBy(() -> client.putObject(
                            b -> b.bucket(bucket)
                                    .key("k")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(CLIENT_KEY))
                                    .sseCustomerKeyMD5(md5(OTHER_KEY)),
                            RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
        }
    }

    @Test
    void shouldServeRangedReadsUnderTheClientKey() {
        String bucket = bucket("emul-");
        byte[] data = random(300_000, 2);
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(bucket).key("r")), RequestBody.fromBytes(data));
            ResponseBytes<GetObjectResponse> range = client.getObject(
                    b -> withKey(b.bucket(bucket).key("r").range("bytes=100000-200000")),
                    ResponseTransformer.toBytes());
            assertThat(range.asByteArray()).isEqualTo(Arrays.copyOfRange(data, 100_000, 200_001));
            assertThat(range.response().contentRange()).isEqualTo("bytes 100000-200000/300000");
            assertThat(client.getObjectAsBytes(
                                    b -> withKey(b.bucket(bucket).key("r").range("bytes=-10")))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
        }
    }

    @Test
    void shouldKeepCiphertextAndOnlyASaltedHmacOfTheKeyAtRest() {
        String bucket = bucket("emul-");
        byte[] data = "plaintext that must not be stored as it is".getBytes(StandardCharsets.UTF_8);
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(bucket).key("k")), RequestBody.fromBytes(data));
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            // readable without any SSE-C key: the upstream never saw one, s3seal encrypted the body
            ResponseBytes<GetObjectResponse> stored =
                    direct.getObjectAsBytes(b -> b.bucket(bucket).key("k"));
            byte[] ciphertext = stored.asByteArray();
            assertThat(new String(ciphertext, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
            assertThat(ciphertext.length).isGreaterThan(data.length);
            assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1))
                    .doesNotContain(new String(data, StandardCharsets.ISO_8859_1));
            assertThat(stored.response().sseCustomerAlgorithm()).isNull();
            String metadata = stored.response().metadata().toString();
            assertThat(stored.response().metadata()).containsKey("s3seal-kp").containsValue("sse-c");
            assertThat(metadata)
                    .doesNotContain(base64(CLIENT_KEY))
                    .doesNotContain(md5(CLIENT_KEY))
                    .doesNotContain(hex(CLIENT_KEY));
        }
    }

    @Test
    void shouldUploadMultipartWithTheKeyOnEveryPart() {
        String bucket = bucket("emul-");
        byte[] data = random(5 * 1024 * 1024 + 70_000, 3);
        try (S3Client client = client()) {
            multipartUpload(client, bucket, "mp", data, CLIENT_KEY);
            assertThat(client.getObjectAsBytes(b -> withKey(b.bucket(bucket).key("mp")))
                            .asByteArray())
                    .isEqualTo(data);
            assertThat(client.getObjectAsBytes(
                                    b -> withKey(b.bucket(bucket).key("mp").range("bytes=5242000-5243999")))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOfRange(data, 5_242_000, 5_244_000));
            assertThat(client.headObject(b -> withKey(b.bucket(bucket).key("mp")))
                            .contentLength())
                    .isEqualTo(data.length);
            assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("mp")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket)
                            .key("mp")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(OTHER_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY))))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            assertThat(client.getObjectAsBytes(
                                    b -> withKey(b.bucket(bucket).key("mp").partNumber(2)))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOfRange(data, 5 * 1024 * 1024, data.length));
            String uploadId = client.createMultipartUpload(b -> b.bucket(bucket)
                            .key("mp2")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(CLIENT_KEY)))
                    .uploadId();
            assertThatThrownBy(() -> client.uploadPart(
                            b -> b.bucket(bucket).key("mp2").uploadId(uploadId).partNumber(1),
                            RequestBody.fromString("no key")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThatThrownBy(() -> client.uploadPart(
                            b -> b.bucket(bucket)
                                    .key("mp2")
                                    .uploadId(uploadId)
                                    .partNumber(1)
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(OTHER_KEY))
                                    .sseCustomerKeyMD5(md5(OTHER_KEY)),
                            RequestBody.fromString("other key")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            client.abortMultipartUpload(b -> b.bucket(bucket).key("mp2").uploadId(uploadId));
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket).key("mp")).asByteArray())
                    .isNotEqualTo(data);
        }
    }

    @Test
    void shouldCopyEmulatedObjectsUnderTheSameKeyAndUnderANewDestinationKey() {
        String bucket = bucket("emul-");
        byte[] data = random(300_000, 4);
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(bucket).key("k")), RequestBody.fromBytes(data));
            CopyObjectResponse same = client.copyObject(b -> copyKeys(
                    b.sourceBucket(bucket)
                            .sourceKey("k")
                            .destinationBucket(bucket)
                            .destinationKey("same"),
                    CLIENT_KEY,
                    CLIENT_KEY));
            assertThat(same.sseCustomerAlgorithm()).isEqualTo("AES256");
            assertThat(same.sseCustomerKeyMD5()).isEqualTo(md5(CLIENT_KEY));
            assertThat(client.getObjectAsBytes(b -> withKey(b.bucket(bucket).key("same")))
                            .asByteArray())
                    .isEqualTo(data);

            CopyObjectResponse other = client.copyObject(b -> copyKeys(
                    b.sourceBucket(bucket)
                            .sourceKey("k")
                            .destinationBucket(bucket)
                            .destinationKey("other"),
                    CLIENT_KEY,
                    OTHER_KEY));
            assertThat(other.sseCustomerKeyMD5()).isEqualTo(md5(OTHER_KEY));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket)
                                    .key("other")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(OTHER_KEY))
                                    .sseCustomerKeyMD5(md5(OTHER_KEY)))
                            .asByteArray())
                    .isEqualTo(data);
            assertThatThrownBy(() -> client.getObjectAsBytes(
                            b -> withKey(b.bucket(bucket).key("other"))))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            for (String key : List.of("same", "other")) {
                ResponseBytes<GetObjectResponse> stored =
                        direct.getObjectAsBytes(b -> b.bucket(bucket).key(key));
                assertThat(new String(stored.asByteArray(), 0, 4, StandardCharsets.US_ASCII))
                        .isEqualTo("S3SL");
                assertThat(stored.asByteArray()).isNotEqualTo(data);
                assertThat(stored.response().sseCustomerAlgorithm()).isNull();
                assertThat(stored.response().metadata()).containsValue("sse-c");
                assertThat(stored.response().metadata().toString())
                        .doesNotContain(base64(CLIENT_KEY))
                        .doesNotContain(base64(OTHER_KEY))
                        .doesNotContain(md5(OTHER_KEY));
            }
        }
    }

    @Test
    void shouldRefuseCopiesWithAMissingOrWrongKeyAndStoreNothing() {
        String bucket = bucket("emul-");
        String plain = bucket("plain-");
        String injected = bucket("inject-");
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(bucket).key("k")), RequestBody.fromString("x"));
            // no source key: as S3 for an SSE-C source
            assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("k")
                            .destinationBucket(plain)
                            .destinationKey("k")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    });
            assertThatThrownBy(() -> client.copyObject(b -> copyKeys(
                            b.sourceBucket(bucket)
                                    .sourceKey("k")
                                    .destinationBucket(bucket)
                                    .destinationKey("k2"),
                            null,
                            CLIENT_KEY)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            // the wrong source key
            assertThatThrownBy(() -> client.copyObject(b -> copyKeys(
                            b.sourceBucket(bucket)
                                    .sourceKey("k")
                                    .destinationBucket(bucket)
                                    .destinationKey("k2"),
                            OTHER_KEY,
                            CLIENT_KEY)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    });
            // no key for an emulated destination
            assertThatThrownBy(() -> client.copyObject(b -> copyKeys(
                            b.sourceBucket(bucket)
                                    .sourceKey("k")
                                    .destinationBucket(bucket)
                                    .destinationKey("k2"),
                            CLIENT_KEY,
                            null)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    });
            // sse-c the upstream does (inject) on the other side: not built, refused
            assertThatThrownBy(() -> client.copyObject(b -> copyKeys(
                            b.sourceBucket(bucket)
                                    .sourceKey("k")
                                    .destinationBucket(injected)
                                    .destinationKey("k"),
                            CLIENT_KEY,
                            null)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(501));
            // a malformed source key
            assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("k")
                            .destinationBucket(plain)
                            .destinationKey("k")
                            .copySourceSSECustomerAlgorithm("AES256")
                            .copySourceSSECustomerKey(base64(CLIENT_KEY))
                            .copySourceSSECustomerKeyMD5(md5(OTHER_KEY))))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThat(direct.listObjectsV2(b -> b.bucket(plain)).contents()).isEmpty();
            assertThat(direct.listObjectsV2(b -> b.bucket(injected)).contents()).isEmpty();
            assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents())
                    .extracting(o -> o.key())
                    .containsExactly("k");
        }
    }

    @Test
    void shouldCopyBetweenEmulatedAndClientSideAndPlainBuckets() {
        String emulated = bucket("emul-");
        String clientSide = bucket("cse-");
        String plain = bucket("plain-");
        byte[] data = random(100_000, 5);
        try (S3Client client = client()) {
            client.putObject(b -> withKey(b.bucket(emulated).key("k")), RequestBody.fromBytes(data));
            CopyObjectResponse toClientSide = client.copyObject(b -> copyKeys(
                    b.sourceBucket(emulated)
                            .sourceKey("k")
                            .destinationBucket(clientSide)
                            .destinationKey("k"),
                    CLIENT_KEY,
                    null));
            assertThat(toClientSide.sseCustomerKeyMD5()).isNull();
            assertThat(client.getObjectAsBytes(b -> b.bucket(clientSide).key("k"))
                            .asByteArray())
                    .isEqualTo(data);
            client.copyObject(b -> copyKeys(
                    b.sourceBucket(emulated)
                            .sourceKey("k")
                            .destinationBucket(plain)
                            .destinationKey("k"),
                    CLIENT_KEY,
                    null));
            assertThat(client.getObjectAsBytes(b -> b.bucket(plain).key("k")).asByteArray())
                    .isEqualTo(data);

            client.copyObject(b -> copyKeys(
                    b.sourceBucket(clientSide)
                            .sourceKey("k")
                            .destinationBucket(emulated)
                            .destinationKey("back"),
                    null,
                    OTHER_KEY));
            assertThat(client.getObjectAsBytes(b -> b.bucket(emulated)
                                    .key("back")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(OTHER_KEY))
                                    .sseCustomerKeyMD5(md5(OTHER_KEY)))
                            .asByteArray())
                    .isEqualTo(data);
            assertThatThrownBy(() ->
                            client.getObjectAsBytes(b -> b.bucket(emulated).key("back")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            // a client-side source takes no source customer key (refused, as before emulated copies)
            assertThatThrownBy(() -> client.copyObject(b -> copyKeys(
                            b.sourceBucket(clientSide)
                                    .sourceKey("k")
                                    .destinationBucket(emulated)
                                    .destinationKey("k3"),
                            CLIENT_KEY,
                            CLIENT_KEY)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(501));
            // nor does a client-side destination take a destination customer key
            assertThatThrownBy(() -> client.copyObject(b -> copyKeys(
                            b.sourceBucket(emulated)
                                    .sourceKey("k")
                                    .destinationBucket(clientSide)
                                    .destinationKey("k3"),
                            CLIENT_KEY,
                            CLIENT_KEY)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    });
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            ResponseBytes<GetObjectResponse> atRest =
                    direct.getObjectAsBytes(b -> b.bucket(clientSide).key("k"));
            assertThat(new String(atRest.asByteArray(), 0, 4, StandardCharsets.US_ASCII))
                    .isEqualTo("S3SL");
            assertThat(atRest.response().metadata()).doesNotContainValue("sse-c");
            ResponseBytes<GetObjectResponse> back =
                    direct.getObjectAsBytes(b -> b.bucket(emulated).key("back"));
            assertThat(new String(back.asByteArray(), 0, 4, StandardCharsets.US_ASCII))
                    .isEqualTo("S3SL");
            assertThat(back.response().metadata()).containsValue("sse-c");
            assertThat(direct.listObjectsV2(b -> b.bucket(emulated)).contents())
                    .extracting(o -> o.key())
                    .containsExactlyInAnyOrder("k", "back");
            assertThat(direct.listObjectsV2(b -> b.bucket(clientSide)).contents())
                    .extracting(o -> o.key())
                    .containsExactly("k");
        }
    }

    @Test
    void shouldUploadPartCopyFromAnEmulatedSourceIntoAnEmulatedUpload() {
        String bucket = bucket("emul-");
        byte[] source = random(5 * 1024 * 1024, 6);
        byte[] tail = random(1000, 7);
        try (S3Client client = client()) {
            client.putObject(
                    b -> b.bucket(bucket)
                            .key("src")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(OTHER_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY)),
                    RequestBody.fromBytes(source));
            String uploadId = client.createMultipartUpload(b -> b.bucket(bucket)
                            .key("mp")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(CLIENT_KEY)))
                    .uploadId();
            assertThatThrownBy(() -> client.uploadPartCopy(b -> b.sourceBucket(bucket)
                            .sourceKey("src")
                            .destinationBucket(bucket)
                            .destinationKey("mp")
                            .uploadId(uploadId)
                            .partNumber(1)
                            .copySourceSSECustomerAlgorithm("AES256")
                            .copySourceSSECustomerKey(base64(OTHER_KEY))
                            .copySourceSSECustomerKeyMD5(md5(OTHER_KEY))))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            var copied = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                    .sourceKey("src")
                    .destinationBucket(bucket)
                    .destinationKey("mp")
                    .uploadId(uploadId)
                    .partNumber(1)
                    .copySourceSSECustomerAlgorithm("AES256")
                    .copySourceSSECustomerKey(base64(OTHER_KEY))
                    .copySourceSSECustomerKeyMD5(md5(OTHER_KEY))
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(base64(CLIENT_KEY))
                    .sseCustomerKeyMD5(md5(CLIENT_KEY)));
            assertThat(copied.sseCustomerKeyMD5()).isEqualTo(md5(CLIENT_KEY));
            String tailEtag = client.uploadPart(
                            b -> b.bucket(bucket)
                                    .key("mp")
                                    .uploadId(uploadId)
                                    .partNumber(2)
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(CLIENT_KEY))
                                    .sseCustomerKeyMD5(md5(CLIENT_KEY)),
                            RequestBody.fromBytes(tail))
                    .eTag();
            client.completeMultipartUpload(b -> b.bucket(bucket)
                    .key("mp")
                    .uploadId(uploadId)
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(base64(CLIENT_KEY))
                    .sseCustomerKeyMD5(md5(CLIENT_KEY))
                    .multipartUpload(m -> m.parts(
                            CompletedPart.builder()
                                    .partNumber(1)
                                    .eTag(copied.copyPartResult().eTag())
                                    .build(),
                            CompletedPart.builder().partNumber(2).eTag(tailEtag).build())));
            byte[] expected = new byte[source.length + tail.length];
            System.arraycopy(source, 0, expected, 0, source.length);
            System.arraycopy(tail, 0, expected, source.length, tail.length);
            assertThat(client.getObjectAsBytes(b -> withKey(b.bucket(bucket).key("mp")))
                            .asByteArray())
                    .isEqualTo(expected);
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket).key("mp")).asByteArray())
                    .isNotEqualTo(source);
        }
    }

    private static CopyObjectRequest.Builder copyKeys(
            CopyObjectRequest.Builder builder, byte[] sourceKey, byte[] destinationKey) {
        if (sourceKey != null) {
            builder.copySourceSSECustomerAlgorithm("AES256")
                    .copySourceSSECustomerKey(base64(sourceKey))
                    .copySourceSSECustomerKeyMD5(md5(sourceKey));
        }
        if (destinationKey != null) {
            builder.sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(base64(destinationKey))
                    .sseCustomerKeyMD5(md5(destinationKey));
        }
        return builder;
    }

    @Test
    void shouldRefuseMalformedCustomerKeysAsS3Does() {
        String bucket = bucket("emul-");
        byte[] shortKey = Arrays.copyOf(CLIENT_KEY, 16);
        try (S3Client client = client()) {
            assertThatThrownBy(() -> client.putObject(
                            b -> b.bucket(bucket)
                                    .key("k")
                                    .sseCustomerAlgorithm("AES128")
                                    .sseCustomerKey(base64(CLIENT_KEY))
                                    .sseCustomerKeyMD5(md5(CLIENT_KEY)),
                            RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode())
                                    .isEqualTo("InvalidEncryptionAlgorithmError"));
            assertThatThrownBy(() -> client.putObject(
                            b -> b.bucket(bucket)
                                    .key("k")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(base64(shortKey))
                                    .sseCustomerKeyMD5(md5(shortKey)),
                            RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
        }
    }

    @Test
    void shouldRoundTripThroughTheAwsCliWithSseCOptions(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        String bucket = bucket("emul-");
        byte[] data = random(9 * 1024 * 1024 + 5, 4); // above the CLI's 8 MiB threshold: a multipart upload
        Path file = dir.resolve("f.bin");
        Files.write(file, data);
        Path keyFile = dir.resolve("customer.key");
        Files.write(keyFile, CLIENT_KEY);
        dev.s3seal.testsupport.CliClients cli =
                new dev.s3seal.testsupport.CliClients(URI.create("http://127.0.0.1:" + port), KEY, SECRET, dir);
        String keyOption = "fileb://" + keyFile;
        cli.aws(
                "s3",
                "cp",
                file.toString(),
                "s3://" + bucket + "/f.bin",
                "--sse-c",
                "AES256",
                "--sse-c-key",
                keyOption);
        cli.aws(
                "s3",
                "cp",
                "s3://" + bucket + "/f.bin",
                dir.resolve("back.bin").toString(),
                "--sse-c",
                "AES256",
                "--sse-c-key",
                keyOption);
        assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(data);
        assertThat(cli.awsAllowingFailure(
                                "s3",
                                "cp",
                                "s3://" + bucket + "/f.bin",
                                dir.resolve("nokey.bin").toString())
                        .exitCode())
                .isNotZero();
    }

    @Test
    void shouldInjectTheKeyOnUploadPartCopyAndAnswerPlainObjectsAsS3Does() {
        String bucket = bucket("inject-");
        byte[] data = random(4000, 5);
        try (S3Client client = client()) {
            client.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(data));
            String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key("assembled"))
                    .uploadId();
            String etag = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                            .sourceKey("src")
                            .copySourceRange("bytes=0-999")
                            .destinationBucket(bucket)
                            .destinationKey("assembled")
                            .uploadId(uploadId)
                            .partNumber(1))
                    .copyPartResult()
                    .eTag();
            client.completeMultipartUpload(b -> b.bucket(bucket)
                    .key("assembled")
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(etag).build())));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("assembled"))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOf(data, 1000));
        }
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            direct.putObject(b -> b.bucket(bucket).key("stored-before"), RequestBody.fromString("plain"));
        }
        try (S3Client client = client()) {
            assertThatThrownBy(
                            () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("stored-before")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        }
    }

    // ---- client SSE headers under cse-* (allow-client-sse-headers) ----

    @Test
    void shouldRefuseClientSseHeadersUnderAClientSideRuleThatDoesNotAllowThem() {
        String bucket = bucket("cse-");
        try (S3Client client = client()) {
            assertInvalidArgument(
                    () -> client.putObject(b -> withKey(b.bucket(bucket).key("c")), RequestBody.fromString("ssec")));
            assertInvalidArgument(() -> client.putObject(
                    b -> b.bucket(bucket).key("s").serverSideEncryption("AES256"), RequestBody.fromString("sse-s3")));
            assertInvalidArgument(() -> client.createMultipartUpload(b ->
                    b.bucket(bucket).key("k").serverSideEncryption("aws:kms").ssekmsKeyId("some-key")));
            assertInvalidArgument(() -> client.createMultipartUpload(b -> b.bucket(bucket)
                    .key("m")
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(base64(CLIENT_KEY))
                    .sseCustomerKeyMD5(md5(CLIENT_KEY))));
            String uploadId =
                    client.createMultipartUpload(b -> b.bucket(bucket).key("p")).uploadId();
            assertInvalidArgument(() -> client.uploadPart(
                    b -> b.bucket(bucket)
                            .key("p")
                            .uploadId(uploadId)
                            .partNumber(1)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(CLIENT_KEY)),
                    RequestBody.fromString("part")));
            client.abortMultipartUpload(b -> b.bucket(bucket).key("p").uploadId(uploadId));
            client.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromString("no headers"));
            assertInvalidArgument(
                    () -> client.getObject(b -> withKey(b.bucket(bucket).key("plain")), ResponseTransformer.toBytes()));
            assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("c")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        }
    }

    @Test
    void shouldCarryTheClientsSseCKeyOnThePutsSealingSelfCopyWhenTheClientSideRuleAllowsIt() {
        String bucket = bucket("csec-");
        byte[] small = random(70_000, 11);
        try (S3Client client = client()) {
            // the sealed-MD5 self-copy of a PUT needs the key as copy source and destination
            client.putObject(b -> withKey(b.bucket(bucket).key("single")), RequestBody.fromBytes(small));
            ResponseBytes<GetObjectResponse> read =
                    client.getObject(b -> withKey(b.bucket(bucket).key("single")), ResponseTransformer.toBytes());
            assertThat(read.asByteArray()).isEqualTo(small);
            assertThat(read.response().eTag())
                    .isEqualTo("\"" + java.util.HexFormat.of().formatHex(md5Bytes(small)) + "\"");
        }
        assertStoredUnderTheClientKey(bucket, "single");
    }

    @Test
    void shouldCarryTheClientsSseCKeyOnCompletionAndSealWhenTheClientSideRuleAllowsIt() {
        String bucket = bucket("csec-");
        byte[] data = random(5 * 1024 * 1024 + 1000, 12);
        try (S3Client client = client()) {
            multipartUpload(client, bucket, "mp", data, CLIENT_KEY);
            assertThat(client.getObjectAsBytes(b -> withKey(b.bucket(bucket).key("mp")))
                            .asByteArray())
                    .isEqualTo(data);
            assertThat(client.headObject(b -> withKey(b.bucket(bucket).key("mp")))
                            .contentLength())
                    .isEqualTo(data.length);
        }
        assertStoredUnderTheClientKey(bucket, "mp");
    }

    /** The store holds s3seal's ciphertext, and only the client's SSE-C key opens it. */
    private static void assertStoredUnderTheClientKey(String bucket, String key) {
        try (S3Client direct = S3ProxyServer.transientStore().directClient()) {
            assertThatThrownBy(() -> direct.headObject(b -> b.bucket(bucket).key(key)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            byte[] stored = direct.getObjectAsBytes(b -> b.bucket(bucket)
                            .key(key)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(CLIENT_KEY)))
                    .asByteArray();
            assertThat(new String(stored, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        }
    }

    private static void assertInvalidArgument(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    }

    private static byte[] md5Bytes(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ----

    private static void multipartUpload(S3Client client, String bucket, String key, byte[] data, byte[] customerKey) {
        String uploadId = client.createMultipartUpload(b -> {
                    b.bucket(bucket).key(key);
                    if (customerKey != null) {
                        b.sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(base64(customerKey))
                                .sseCustomerKeyMD5(md5(customerKey));
                    }
                })
                .uploadId();
        int partSize = 5 * 1024 * 1024;
        List<CompletedPart> parts = new java.util.ArrayList<>();
        for (int number = 1, offset = 0; offset < data.length; number++, offset += partSize) {
            byte[] part = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + partSize));
            int partNumber = number;
            String etag = client.uploadPart(
                            b -> {
                                b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber);
                                if (customerKey != null) {
                                    b.sseCustomerAlgorithm("AES256")
                                            .sseCustomerKey(base64(customerKey))
                                            .sseCustomerKeyMD5(md5(customerKey));
                                }
                            },
                            RequestBody.fromBytes(part))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        }
        if (customerKey != null) {
            // as in S3, listing the parts of an SSE-C upload needs no key
            assertThat(client.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId))
                            .parts())
                    .hasSize(parts.size());
        }
        client.completeMultipartUpload(b -> {
            b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts));
            if (customerKey != null) {
                b.sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(base64(customerKey))
                        .sseCustomerKeyMD5(md5(customerKey));
            }
        });
    }

    private static <B extends software.amazon.awssdk.services.s3.model.PutObjectRequest.Builder> B withKey(B builder) {
        builder.sseCustomerAlgorithm("AES256")
                .sseCustomerKey(base64(CLIENT_KEY))
                .sseCustomerKeyMD5(md5(CLIENT_KEY));
        return builder;
    }

    private static software.amazon.awssdk.services.s3.model.GetObjectRequest.Builder withKey(
            software.amazon.awssdk.services.s3.model.GetObjectRequest.Builder builder) {
        return builder.sseCustomerAlgorithm("AES256")
                .sseCustomerKey(base64(CLIENT_KEY))
                .sseCustomerKeyMD5(md5(CLIENT_KEY));
    }

    private static software.amazon.awssdk.services.s3.model.HeadObjectRequest.Builder withKey(
            software.amazon.awssdk.services.s3.model.HeadObjectRequest.Builder builder) {
        return builder.sseCustomerAlgorithm("AES256")
                .sseCustomerKey(base64(CLIENT_KEY))
                .sseCustomerKeyMD5(md5(CLIENT_KEY));
    }

    /**
     * Under passthrough the store itself judges SSE-C parameters: an 8 MiB PutObject and UploadPart
     * whose key MD5 does not match get the store's own answer through s3seal, the one it gives a small
     * body directly (not a 503 or a reset after the store refused the body it had not read).
     */
    @Test
    void shouldRelayTheStoresRefusalOfLargeBodiesWithBadSseCParametersUnderPassthrough() {
        String bucket = bucket("pass-");
        byte[] body = new byte[8 * 1024 * 1024];
        try (S3Client client = client();
                S3Client direct = S3ProxyServer.transientStore().directClient()) {
            String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key("part"))
                    .uploadId();
            // the store's answers to these parameters, asked directly with a small body (S3Proxy itself
            // breaks the connection under a large one it refused)
            byte[] small = new byte[1024];
            S3Exception directPut = refusal(() -> direct.putObject(
                    b -> b.bucket(bucket)
                            .key("k")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY)),
                    RequestBody.fromBytes(small)));
            S3Exception directPart = refusal(() -> direct.uploadPart(
                    b -> b.bucket(bucket)
                            .key("part")
                            .uploadId(uploadId)
                            .partNumber(1)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY)),
                    RequestBody.fromBytes(small)));
            S3Exception proxiedPut = refusal(() -> client.putObject(
                    b -> b.bucket(bucket)
                            .key("k")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY)),
                    RequestBody.fromBytes(body)));
            S3Exception proxiedPart = refusal(() -> client.uploadPart(
                    b -> b.bucket(bucket)
                            .key("part")
                            .uploadId(uploadId)
                            .partNumber(1)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(base64(CLIENT_KEY))
                            .sseCustomerKeyMD5(md5(OTHER_KEY)),
                    RequestBody.fromBytes(body)));
            assertThat(directPut.statusCode()).isEqualTo(400);
            assertThat(directPart.statusCode()).isEqualTo(400);
            assertThat(proxiedPut.statusCode()).isEqualTo(400);
            assertThat(proxiedPut.awsErrorDetails().errorCode())
                    .isEqualTo(directPut.awsErrorDetails().errorCode());
            assertThat(proxiedPart.statusCode()).isEqualTo(400);
            assertThat(proxiedPart.awsErrorDetails().errorCode())
                    .isEqualTo(directPart.awsErrorDetails().errorCode());
        }
    }

    private static S3Exception refusal(Runnable call) {
        return catchThrowableOfType(S3Exception.class, call::run);
    }

    private String bucket(String prefix) {
        String bucket = prefix + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    private S3Client client() {
        return S3Clients.sync(URI.create("http://127.0.0.1:" + port), KEY, SECRET);
    }

    static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    static String md5(byte[] key) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(key));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] key) {
        return java.util.HexFormat.of().formatHex(key);
    }
}
