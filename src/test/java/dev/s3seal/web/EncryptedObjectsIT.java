package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.indexOf;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The client-side modes end to end: real SDK clients through s3seal, a real S3Proxy filesystem
 * store (whose files are read to prove ciphertext at rest) and a real moto KMS.
 */
class EncryptedObjectsIT extends StandardPolicyIntegrationTest {

    private String bucket;
    private S3Client client;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 1_048_579})
    void shouldStoreCiphertextAndReturnPlaintextWhenCseLocal(int size) throws IOException {
        byte[] data = random(size);
        client.putObject(b -> b.bucket(bucket).key("docs/obj"), RequestBody.fromBytes(data));

        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "docs/obj"));
        assertThat(atRest.length).isEqualTo(CiphertextSizes.ciphertextLength(size, 65_536));
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        if (size >= 16) {
            assertThat(indexOf(atRest, Arrays.copyOf(data, 16)))
                    .as("plaintext visible at rest")
                    .isNegative();
        }

        ResponseBytes<GetObjectResponse> read =
                client.getObject(b -> b.bucket(bucket).key("docs/obj"), ResponseTransformer.toBytes());
        assertThat(read.asByteArray()).isEqualTo(data);
        assertThat(read.response().contentLength()).isEqualTo(size);
        assertThat(read.response().metadata()).doesNotContainKeys("s3seal-k", "s3seal-l");
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/obj")).contentLength())
                .isEqualTo(size);
    }

    @Test
    void shouldServeEveryKindOfRangeFromEncryptedObject() {
        byte[] data = random(300_000);
        client.putObject(b -> b.bucket(bucket).key("ranged"), RequestBody.fromBytes(data));
        assertRange("bytes=0-9", data, 0, 9);
        assertRange("bytes=65530-65545", data, 65_530, 65_545);
        assertRange("bytes=200000-", data, 200_000, data.length - 1);
        assertRange("bytes=-100", data, data.length - 100, data.length - 1);
        assertRange("bytes=299990-400000", data, 299_990, data.length - 1);
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("ranged").range("bytes=300000-"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                });
    }

    @Test
    void shouldListPlaintextSizesWithoutExtraRequests() {
        client.putObject(b -> b.bucket(bucket).key("a/one"), RequestBody.fromBytes(random(1)));
        client.putObject(b -> b.bucket(bucket).key("a/big"), RequestBody.fromBytes(random(200_001)));
        client.putObject(b -> b.bucket(bucket).key("public/plain"), RequestBody.fromBytes(random(5)));
        Map<String, Long> sizes = new java.util.HashMap<>();
        client.listObjectsV2(b -> b.bucket(bucket)).contents().forEach(o -> sizes.put(o.key(), o.size()));
        assertThat(sizes)
                .containsEntry("a/one", 1L)
                .containsEntry("a/big", 200_001L)
                .containsEntry("public/plain", 5L);
        Map<String, Long> v1 = new java.util.HashMap<>();
        client.listObjects(b -> b.bucket(bucket).prefix("a/")).contents().forEach(o -> v1.put(o.key(), o.size()));
        assertThat(v1).containsEntry("a/big", 200_001L).hasSize(2);
    }

    @Test
    void shouldEncryptWithKmsDataKeyWhenCseKms() throws IOException {
        byte[] data = random(100_000);
        client.putObject(b -> b.bucket(bucket).key("kms/report"), RequestBody.fromBytes(data));
        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "kms/report"));
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        var stored = store().directClient()
                .headObject(b -> b.bucket(bucket).key("kms/report"))
                .metadata();
        assertThat(stored).containsEntry("s3seal-kp", "kms-layered");
        assertThat(client.getObject(b -> b.bucket(bucket).key("kms/report"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldKeepPassthroughPrefixInPlaintext() throws IOException {
        byte[] data = "plain as day".getBytes(StandardCharsets.UTF_8);
        client.putObject(b -> b.bucket(bucket).key("public/readme.txt"), RequestBody.fromBytes(data));
        assertThat(Files.readAllBytes(store().objectPath(bucket, "public/readme.txt")))
                .isEqualTo(data);
    }

    @Test
    void shouldDenyByRule() {
        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("secret/x"), RequestBody.fromString("no")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        assertThat(Files.exists(store().objectPath(bucket, "secret/x"))).isFalse();
    }

    @Test
    void shouldFailReadOfTamperedCiphertext() throws IOException {
        byte[] data = random(150_000);
        client.putObject(b -> b.bucket(bucket).key("tampered"), RequestBody.fromBytes(data));
        Path file = store().objectPath(bucket, "tampered");
        byte[] stored = Files.readAllBytes(file);
        stored[100_000] ^= 0x01;
        Files.write(file, stored);
        assertThatThrownBy(() -> client.getObject(b -> b.bucket(bucket).key("tampered"), ResponseTransformer.toBytes()))
                .as("a tampered object never reads back cleanly")
                .isNotNull();
    }

    @Test
    void shouldRefuseReadOfUnencryptedObjectUnderEncryptedRule() {
        store().directClient().putObject(b -> b.bucket(bucket).key("legacy.txt"), RequestBody.fromString("legacy"));
        assertThatThrownBy(
                        () -> client.getObject(b -> b.bucket(bucket).key("legacy.txt"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    @Test
    void shouldRefuseClientWritingReservedMetadata() {
        assertThatThrownBy(() -> client.putObject(
                        b -> b.bucket(bucket).key("reserved").metadata(Map.of("s3seal-k", "forged")),
                        RequestBody.fromString("x")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    }

    @Test
    void shouldRefuseCopyFromDeniedSourceKey() {
        store().directClient().putObject(b -> b.bucket(bucket).key("secret/x"), RequestBody.fromString("top secret"));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("secret/x")
                        .destinationBucket(bucket)
                        .destinationKey("public/leak")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        assertThat(Files.exists(store().objectPath(bucket, "public/leak"))).isFalse();
    }

    @Test
    void shouldRefuseCopyFromBucketOutsideTheClientsGrant() {
        ensureBobBucket();
        client.putObject(b -> b.bucket(bucket).key("public/readme"), RequestBody.fromString("alice's"));
        try (S3Client bob = dev.s3seal.testsupport.S3Clients.sync(endpoint(), BOB_KEY, BOB_SECRET)) {
            assertThatThrownBy(() -> bob.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("public/readme")
                            .destinationBucket(BOB_BUCKET)
                            .destinationKey("public/stolen")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
        assertThat(Files.exists(store().objectPath(BOB_BUCKET, "public/stolen")))
                .isFalse();
    }

    /** Copying to a passthrough name stores the plaintext, never s3seal's ciphertext under a plain rule (EncryptedCopyIT has the rest). */
    @Test
    void shouldDecryptRatherThanCopyCiphertextWhenCopyingClientSideEncryptedObjectToPassthrough() throws IOException {
        client.putObject(b -> b.bucket(bucket).key("docs/sealed"), RequestBody.fromString("sealed"));
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("docs/sealed")
                .destinationBucket(bucket)
                .destinationKey("public/unsealed"));
        assertThat(Files.readString(store().objectPath(bucket, "public/unsealed")))
                .isEqualTo("sealed");
    }

    @Test
    void shouldRefuseUnknownSubResourceWithBodyUnderClientSideRule() throws IOException {
        byte[] body = random(6 * 1024 * 1024);
        var put = dev.s3seal.testsupport.SignedRequests.put(
                endpoint(),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + bucket + "/smuggled?torrent",
                body,
                dev.s3seal.testsupport.SignedRequests.Payload.UNSIGNED,
                java.time.Clock.systemUTC(),
                Map.of());
        var response = dev.s3seal.testsupport.RawHttp.send(
                port, "PUT", put.pathAndQuery(), put.headers(), put.body(), put.body().length);
        // S3 defines no PutObjectTorrent: the operation table refuses the combination (never forwarded)
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("InvalidRequest");
        assertThat(Files.exists(store().objectPath(bucket, "smuggled"))).isFalse();
    }

    @Test
    void shouldRefuseDeleteObjectsNamingADeniedKey() {
        store().directClient().putObject(b -> b.bucket(bucket).key("secret/keep"), RequestBody.fromString("keep me"));
        client.putObject(b -> b.bucket(bucket).key("docs/gone"), RequestBody.fromString("x"));
        assertThatThrownBy(() -> client.deleteObjects(b ->
                        b.bucket(bucket).delete(d -> d.objects(o -> o.key("docs/gone"), o -> o.key("secret/keep")))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        assertThat(Files.exists(store().objectPath(bucket, "secret/keep"))).isTrue();
        client.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(o -> o.key("docs/gone"))));
        assertThat(Files.exists(store().objectPath(bucket, "docs/gone"))).isFalse();
    }

    @Test
    void shouldAnswerForgedEnvelopeMetadataWithClientErrorNotServerError() {
        store().directClient()
                .putObject(
                        b -> b.bucket(bucket).key("forged").metadata(Map.of("s3seal-v", "9")),
                        RequestBody.fromString("not really encrypted"));
        assertThatThrownBy(() -> client.getObject(b -> b.bucket(bucket).key("forged"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    private void assertRange(String range, byte[] data, int first, int last) {
        ResponseBytes<GetObjectResponse> read =
                client.getObject(b -> b.bucket(bucket).key("ranged").range(range), ResponseTransformer.toBytes());
        assertThat(read.asByteArray()).as(range).isEqualTo(Arrays.copyOfRange(data, first, last + 1));
        assertThat(read.response().contentRange()).isEqualTo("bytes " + first + "-" + last + "/" + data.length);
    }
}
