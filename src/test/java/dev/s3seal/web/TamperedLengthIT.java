package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import dev.s3seal.testsupport.TestPolicies;
import dev.s3seal.testsupport.TwoPartUpload;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.encryption.s3.CommitmentPolicy;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.algorithms.AlgorithmSuite;
import software.amazon.encryption.s3.materials.AesKeyring;

/**
 * Issue 8, section 2: the plaintext length a response declares comes from authenticated data, never from
 * the editable {@code s3seal-l} (or the AWS client's {@code x-amz-unencrypted-content-length}) alone.
 * Each object is tampered with directly in the store (its extended attributes, as S3Proxy's filesystem
 * backend keeps user metadata: the stored bytes and the ETag stay as they are), then read through every
 * path: each answer is the one integrity error, {@code 403 InvalidObjectState}, or the true length, and
 * on a kept-alive connection no response runs into the next one.
 */
class TamperedLengthIT extends StandardPolicyIntegrationTest {

    private static final int MIB = 1024 * 1024;
    private static final String LENGTH = "s3seal-l";
    private static final String SEALED_MD5 = "s3seal-h";

    @Autowired
    private MeterRegistry meters;

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

    /** The reads a client can make of one object. */
    enum Read {
        WHOLE(b -> {}),
        RANGE_IN_FIRST_SEGMENT(b -> b.range("bytes=10-99")),
        RANGE_IN_LATER_SEGMENT(b -> b.range("bytes=150000-150099")),
        SUFFIX_RANGE(b -> b.range("bytes=-100")),
        PART_NUMBER(b -> b.partNumber(1));

        final Consumer<GetObjectRequest.Builder> options;

        Read(Consumer<GetObjectRequest.Builder> options) {
            this.options = options;
        }
    }

    static Stream<Arguments> tamperedObjects() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean multipart : new boolean[] {false, true}) {
            for (long delta : new long[] {-1000, 1000, 1}) {
                cases.add(Arguments.of(multipart, delta));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "multipart={0}, s3seal-l edited by {1}")
    @MethodSource("tamperedObjects")
    void shouldAnswerInvalidObjectStateOnEveryReadWhenTheLengthEntryWasEdited(boolean multipart, long delta)
            throws IOException {
        String key = "docs/edited";
        byte[] data = store(key, multipart);
        editLength(key, data.length + delta);
        double before = integrityFailures("GET_OBJECT") + integrityFailures("HEAD_OBJECT");

        for (Read read : Read.values()) {
            assertThatThrownBy(() -> client.getObject(
                            b -> read.options.accept(b.bucket(bucket).key(key)), ResponseTransformer.toBytes()))
                    .as(read.name())
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).as(read.name()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode())
                                .as(read.name())
                                .isEqualTo("InvalidObjectState");
                    });
        }
        assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key(key)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThatThrownBy(
                        () -> client.headObject(b -> b.bucket(bucket).key(key).partNumber(1)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));

        assertThat(integrityFailures("GET_OBJECT") + integrityFailures("HEAD_OBJECT") - before)
                .as("every detection counted once")
                .isEqualTo(Read.values().length + 2);
    }

    @ParameterizedTest(name = "multipart={0}")
    @ValueSource(booleans = {false, true})
    void shouldListTheStoredLengthsPlaintextSizeWhenTheLengthEntryWasEdited(boolean multipart) throws IOException {
        byte[] data = store("docs/listed", multipart);
        editLength("docs/listed", data.length - 1000);

        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("docs/listed"))
                        .contents())
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(data.length));
        assertThat(client.listObjects(b -> b.bucket(bucket).prefix("docs/listed"))
                        .contents())
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(data.length));
    }

    /** Same key (the data key re-wrapped, the body copied upstream) and re-encrypting copies, and part copies. */
    @ParameterizedTest(name = "multipart={0}")
    @ValueSource(booleans = {false, true})
    void shouldRefuseEveryCopyFromASourceWhoseLengthEntryWasEdited(boolean multipart) throws IOException {
        byte[] data = store("docs/source", multipart);
        editLength("docs/source", data.length - 1000);

        for (String destination : List.of("docs/same-key-copy", "kms/other-key-copy", "public/plain-copy")) {
            assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("docs/source")
                            .destinationBucket(bucket)
                            .destinationKey(destination)))
                    .as(destination)
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
            assertThat(Files.exists(store().objectPath(bucket, destination)))
                    .as(destination)
                    .isFalse();
        }
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key("docs/part-copy"))
                .uploadId();
        assertThatThrownBy(() -> client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/source")
                        .destinationBucket(bucket)
                        .destinationKey("docs/part-copy")
                        .uploadId(uploadId)
                        .partNumber(1)))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
        client.abortMultipartUpload(b -> b.bucket(bucket).key("docs/part-copy").uploadId(uploadId));
    }

    /**
     * The AWS client's format: its plaintext length is the stored length minus the 16-byte tag; the V2
     * entry that also states it is editable, and any disagreement is the same integrity failure.
     */
    @Test
    void shouldAnswerInvalidObjectStateWhenTheAwsClientsLengthEntryWasEdited() throws IOException {
        byte[] data = random(70_001, 4);
        try (S3Client direct = store().directClient();
                S3EncryptionClient oracle = legacyV2Oracle(direct)) {
            oracle.putObject(b -> b.bucket(bucket).key("docs/v2"), RequestBody.fromBytes(data));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/v2"))
                            .asByteArray())
                    .isEqualTo(data);
        }
        editMetadata("docs/v2", "x-amz-unencrypted-content-length", Long.toString(data.length - 1000), null);

        assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/v2")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
        assertThatThrownBy(() -> client.getObjectAsBytes(
                        b -> b.bucket(bucket).key("docs/v2").partNumber(1)))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
        assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("docs/v2")))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("docs/v2")
                        .destinationBucket(bucket)
                        .destinationKey("docs/v2-copy")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("docs/v2")).contents())
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(data.length));
    }

    /** The raw-socket reads: the tampered request first, then an intact object, on one connection. */
    enum RawRead {
        WHOLE("GET", "", null),
        RANGE("GET", "", "bytes=10-99"),
        LATER_RANGE("GET", "", "bytes=150000-150099"),
        PART_NUMBER("GET", "?partNumber=1", null),
        HEAD("HEAD", "", null);

        final String method;
        final String query;
        final String range;

        RawRead(String method, String query, String range) {
            this.method = method;
            this.query = query;
            this.range = range;
        }
    }

    static Stream<Arguments> rawReads() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean multipart : new boolean[] {false, true}) {
            for (RawRead read : RawRead.values()) {
                cases.add(Arguments.of(multipart, read));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "multipart={0}, {1}")
    @MethodSource("rawReads")
    void shouldNeverRunIntoTheNextResponseOnAKeptAliveConnection(boolean multipart, RawRead read) throws IOException {
        byte[] data = store("docs/raw", multipart);
        editLength("docs/raw", data.length - 1000);
        byte[] intact = random(100_000, 5);
        client.putObject(b -> b.bucket(bucket).key("docs/intact"), RequestBody.fromBytes(intact));

        try (RawHttp.KeepAlive connection = new RawHttp.KeepAlive(port)) {
            SignedRequests.Signed tampered = SignedRequests.bodiless(
                    SdkHttpMethod.valueOf(read.method),
                    endpoint(),
                    ALICE_KEY,
                    ALICE_SECRET,
                    "/" + bucket + "/docs/raw" + read.query,
                    Clock.systemUTC());
            List<Map.Entry<String, String>> headers = new ArrayList<>(tampered.headers());
            if (read.range != null) {
                headers.add(Map.entry("Range", read.range)); // not signed, as SDKs may send it
            }
            RawHttp.Framed first = connection.exchange(read.method, tampered.pathAndQuery(), headers, new byte[0]);
            assertIntactReadFollows(connection, intact);

            assertThat(first.closedEarly())
                    .as("the first body ends at its Content-Length")
                    .isFalse();
            assertThat(first.status()).isEqualTo(403);
            if (!read.method.equals("HEAD")) {
                assertThat(first.errorCode()).isEqualTo("InvalidObjectState");
            }
        }
    }

    @ParameterizedTest(name = "multipart={0}")
    @ValueSource(booleans = {false, true})
    void shouldNeverRunIntoTheNextResponseAfterACopyFromATamperedSource(boolean multipart) throws IOException {
        byte[] data = store("docs/raw-source", multipart);
        editLength("docs/raw-source", data.length - 1000);
        byte[] intact = random(100_000, 6);
        client.putObject(b -> b.bucket(bucket).key("docs/intact"), RequestBody.fromBytes(intact));

        try (RawHttp.KeepAlive connection = new RawHttp.KeepAlive(port)) {
            SignedRequests.Signed copy = SignedRequests.put(
                    endpoint(),
                    ALICE_KEY,
                    ALICE_SECRET,
                    "/" + bucket + "/public/raw-copy",
                    new byte[0],
                    SignedRequests.Payload.SIGNED,
                    Clock.systemUTC(),
                    Map.of("x-amz-copy-source", "/" + bucket + "/docs/raw-source"));
            RawHttp.Framed first = connection.exchange("PUT", copy.pathAndQuery(), copy.headers(), copy.body());
            assertIntactReadFollows(connection, intact);

            assertThat(first.closedEarly()).isFalse();
            assertThat(first.bodyText()).contains("InvalidObjectState");
        }
        assertThat(Files.exists(store().objectPath(bucket, "public/raw-copy"))).isFalse();
    }

    /** The next response on the connection parses and carries exactly the intact object, unless the server closed it. */
    private void assertIntactReadFollows(RawHttp.KeepAlive connection, byte[] intact) throws IOException {
        SignedRequests.Signed get = SignedRequests.get(
                endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/docs/intact", Clock.systemUTC());
        RawHttp.Framed second = connection.exchange("GET", get.pathAndQuery(), get.headers(), new byte[0]);
        if (second.closed()) {
            return; // the server ended the connection after the first response: nothing ran into this one
        }
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.closedEarly()).isFalse();
        assertThat(Arrays.equals(second.body(), intact))
                .as("the intact object, byte for byte")
                .isTrue();
    }

    /** Writes {@code key} through s3seal: one 200,000-byte stream, or two parts (5 MiB and 70,000 bytes). */
    private byte[] store(String key, boolean multipart) {
        if (!multipart) {
            byte[] data = random(200_000, 2);
            client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            return data;
        }
        byte[] data = random(5 * MIB + 70_000, 3);
        TwoPartUpload.upload(client, bucket, key, data, 5 * MIB, b -> {});
        assertThat(client.headObject(b -> b.bucket(bucket).key(key)).eTag()).endsWith("-2\"");
        return data;
    }

    /** What an attacker with write access does: a smaller or larger s3seal-l, and no sealed MD5 to contradict it. */
    private void editLength(String key, long length) throws IOException {
        editMetadata(key, LENGTH, Long.toString(length), SEALED_MD5);
    }

    /** Edits user metadata in place, in the store's extended attributes: stored bytes and ETag stay as they are. */
    private void editMetadata(String key, String entry, String value, String removed) throws IOException {
        store().editStoredMetadata(bucket, key, entry, value);
        if (removed != null) {
            store().editStoredMetadata(bucket, key, removed, null);
        }
        try (S3Client direct = store().directClient()) {
            Map<String, String> served =
                    direct.headObject(b -> b.bucket(bucket).key(key)).metadata();
            assertThat(served).as("the store serves the edit").containsEntry(entry, value);
            if (removed != null) {
                assertThat(served).doesNotContainKey(removed);
            }
        }
    }

    private S3EncryptionClient legacyV2Oracle(S3Client direct) {
        return S3EncryptionClient.builderV4()
                .wrappedClient(direct)
                .wrappedAsyncClient(
                        S3Clients.async(store().endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .region(Region.US_EAST_1)
                .credentialsProvider(S3Clients.credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .keyring(AesKeyring.builder()
                        .wrappingKey(new SecretKeySpec(TestPolicies.masterKeyMaterial(), "AES"))
                        .build())
                .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
                .encryptionAlgorithm(AlgorithmSuite.ALG_AES_256_GCM_IV12_TAG16_NO_KDF)
                .build();
    }

    private double integrityFailures(String operation) {
        Counter counter = meters.find("s3seal.integrity.failures")
                .tag("operation", operation)
                .tag("stage", "before_headers")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
