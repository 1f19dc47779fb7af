package dev.s3seal.upstream;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.testsupport.FaultProxy;
import dev.s3seal.testsupport.FaultProxy.Fault;
import dev.s3seal.testsupport.FaultProxy.RequestHead;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The upstream fails under s3seal (a {@link FaultProxy} between s3seal and the real S3Proxy):
 * refused connections, resets mid-PUT, mid-GET, mid-completion and mid-seal, stalls, 500 and 503
 * SlowDown. The client always gets an S3 error or its data, never a hang; an overwritten key keeps
 * its old version when the new write fails; and no object is left at the upstream that s3seal
 * would serve unsealed (checked on the store directly). Clients here do not retry, so each fault
 * meets s3seal, not the SDK's retry loop. Set up like {@link ProxyIntegrationTest}, whose own
 * upstream registration would win over the proxy's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamFaultsIT {

    private static final String ALICE_KEY = ProxyIntegrationTest.ALICE_KEY;
    private static final String ALICE_SECRET = ProxyIntegrationTest.ALICE_SECRET;
    private static final FaultProxy faults =
            FaultProxy.inFrontOf(S3ProxyServer.filesystemStore().endpoint());
    private static final int PART = 5 * 1024 * 1024;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void faultyUpstream(DynamicPropertyRegistry registry) throws IOException {
        faults.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.upstream.response-timeout", () -> "3s");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    private String bucket;
    private S3Client client;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterEach
    void tearDown() throws IOException {
        faults.clear();
        faults.acceptConnections();
        client.close();
        assertNothingServedUnsealed(bucket);
    }

    @AfterAll
    static void report() {
        System.out.println("UpstreamFaultsIT: faults injected " + faults.fired());
    }

    @Test
    void shouldAnswerServiceUnavailableWithRetryAfterAndStoreNothingWhenTheUpstreamRefusesConnections()
            throws IOException {
        faults.refuseConnections();
        S3Exception refused = (S3Exception) catchThrowable(
                () -> client.putObject(b -> b.bucket(bucket).key("docs/refused"), RequestBody.fromBytes(random(1000))));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
        assertThat(refused.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After"))
                .hasValue("1");

        faults.acceptConnections();
        assertNoObject("docs/refused");
        byte[] data = random(1000, 2);
        client.putObject(b -> b.bucket(bucket).key("docs/refused"), RequestBody.fromBytes(data));
        assertThat(read("docs/refused")).isEqualTo(data);
    }

    @Test
    void shouldKeepTheOldVersionWhenTheUpstreamResetsMidPut() {
        byte[] old = random(300_000, 3);
        client.putObject(b -> b.bucket(bucket).key("docs/overwritten"), RequestBody.fromBytes(old));

        faults.inject(request("PUT", "/docs/overwritten"), Fault.resetAfterRequestBytes(150_000), 1);
        S3Exception failed = (S3Exception) catchThrowable(() -> client.putObject(
                b -> b.bucket(bucket).key("docs/overwritten"), RequestBody.fromBytes(random(1_000_000, 4))));
        assertThat(failed.statusCode()).isEqualTo(503);

        assertThat(read("docs/overwritten")).isEqualTo(old);
        assertThat(directHead("docs/overwritten").contentLength())
                .isEqualTo(CiphertextSizes.ciphertextLength(old.length, 65_536));
    }

    @Test
    void shouldServeTheObjectWhenTheUpstreamResetsAGetBeforeAnswering() {
        byte[] data = random(200_000, 5);
        client.putObject(b -> b.bucket(bucket).key("docs/read"), RequestBody.fromBytes(data));

        // a GET is idempotent: s3seal sends it again rather than failing the client
        faults.inject(request("GET", "/docs/read"), Fault.resetAfterResponseBytes(0), 1);
        assertThat(read("docs/read")).isEqualTo(data);
        faults.inject(request("HEAD", "/docs/read"), Fault.resetAfterRequestBytes(0), 1);
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/read")).contentLength())
                .isEqualTo(data.length);
    }

    @Test
    void shouldAbortTheDownloadWhenTheUpstreamResetsMidGet() {
        byte[] data = random(1_000_000, 6);
        client.putObject(b -> b.bucket(bucket).key("docs/cut"), RequestBody.fromBytes(data));

        faults.inject(request("GET", "/docs/cut"), Fault.resetAfterResponseBytes(400_000), 1);
        // the headers went out: the body must not end cleanly, so the client sees a short read
        Throwable cut = catchThrowable(
                () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/cut")));
        assertThat(cut).isNotNull();

        assertThat(read("docs/cut")).isEqualTo(data);
    }

    @Test
    void shouldCloseTheClientConnectionWhenTheUpstreamResetsMidGet() throws IOException {
        byte[] data = random(1_000_000, 17);
        client.putObject(b -> b.bucket(bucket).key("docs/cut-raw"), RequestBody.fromBytes(data));
        URL url;
        try (S3Presigner presigner = S3Clients.presigner(endpoint(), ALICE_KEY, ALICE_SECRET)) {
            url = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket(bucket).key("docs/cut-raw")))
                    .url();
        }

        faults.inject(request("GET", "/docs/cut-raw"), Fault.resetAfterResponseBytes(400_000), 1);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            // bounded so a connection left open fails the test instead of hanging it
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write(("GET " + url.getFile() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            long received = 0;
            byte[] buffer = new byte[65_536];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received += n;
            }
            // the keep-alive connection ends, short of the declared body: the client knows it was cut
            assertThat(received).isLessThan(data.length);
        }
    }

    @Test
    void shouldPassSlowDownAndInternalErrorOnAndStoreNothing() {
        faults.inject(request("PUT", "/docs/throttled"), Fault.slowDown(), 1);
        S3Exception slowDown = (S3Exception) catchThrowable(() -> client.putObject(
                b -> b.bucket(bucket).key("docs/throttled"), RequestBody.fromBytes(random(100_000, 7))));
        assertThat(slowDown.statusCode()).isEqualTo(503);
        assertThat(slowDown.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
        assertNoObject("docs/throttled");

        faults.inject(request("PUT", "/docs/throttled"), Fault.internalError(), 1);
        S3Exception internal = (S3Exception) catchThrowable(() -> client.putObject(
                b -> b.bucket(bucket).key("docs/throttled"), RequestBody.fromBytes(random(100_000, 8))));
        assertThat(internal.statusCode()).isEqualTo(500);
        assertThat(internal.awsErrorDetails().errorCode()).isEqualTo("InternalError");
        assertNoObject("docs/throttled");

        byte[] data = random(1000, 9);
        client.putObject(b -> b.bucket(bucket).key("docs/throttled"), RequestBody.fromBytes(data));
        faults.inject(request("GET", "/docs/throttled"), Fault.slowDown(), 1);
        S3Exception readThrottled = (S3Exception) catchThrowable(() -> read("docs/throttled"));
        assertThat(readThrottled.statusCode()).isEqualTo(503);
        assertThat(readThrottled.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
        assertThat(read("docs/throttled")).isEqualTo(data);
    }

    @Test
    void shouldAnswerServiceUnavailableWhenTheUpstreamStalls() {
        byte[] data = random(1000, 10);
        client.putObject(b -> b.bucket(bucket).key("docs/stalled"), RequestBody.fromBytes(data));

        faults.inject(request("GET", "/docs/stalled"), Fault.stall(), 1);
        S3Exception stalledRead = (S3Exception) catchThrowable(() -> read("docs/stalled"));
        assertThat(stalledRead.statusCode()).isEqualTo(503);

        faults.inject(request("PUT", "/docs/stalled"), Fault.stall(), 1);
        S3Exception stalledWrite = (S3Exception) catchThrowable(() ->
                client.putObject(b -> b.bucket(bucket).key("docs/stalled"), RequestBody.fromBytes(random(50_000, 11))));
        assertThat(stalledWrite.statusCode()).isEqualTo(503);
        assertThat(read("docs/stalled")).isEqualTo(data);
    }

    @Test
    void shouldLeaveTheUploadOpenWhenTheUpstreamResetsTheCompletionRequest() {
        byte[] data = random(PART + 1000, 12);
        Upload upload = uploadParts("docs/multi", data);

        faults.inject(request("POST", "uploadId="), Fault.resetAfterRequestBytes(0), 1);
        S3Exception failed = (S3Exception) catchThrowable(upload::complete);
        assertThat(failed.statusCode()).isEqualTo(503);
        assertNoObject("docs/multi");

        upload.complete();
        assertThat(read("docs/multi")).isEqualTo(data);
    }

    @Test
    void shouldLetTheClientSendAPartAgainWhenTheUpstreamResetsMidPart() {
        byte[] data = random(PART + 1000, 18);
        String key = "docs/part-reset";
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        faults.inject(request("PUT", "partNumber=1"), Fault.resetAfterRequestBytes(1_000_000), 1);
        Throwable failed = catchThrowable(() -> client.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                RequestBody.fromBytes(Arrays.copyOfRange(data, 0, PART))));
        // s3seal answers 503 while the client is still sending; a client that does not read the answer
        // before its write fails sees the connection closed instead: both are errors SDKs retry
        assertThat(failed).isInstanceOf(SdkException.class);
        if (failed instanceof S3Exception answered) {
            assertThat(answered.statusCode()).isEqualTo(503);
        }
        try (S3Client direct = store().directClient()) {
            assertThat(direct.listParts(b -> b.bucket(bucket).key(key).uploadId(upstreamUploadId(direct, key)))
                            .parts())
                    .as("no part stored")
                    .isEmpty();
        }

        String e1 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, 0, PART)))
                .eTag();
        String e2 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(2),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, PART, data.length)))
                .eTag();
        new Upload(
                        client,
                        bucket,
                        key,
                        id,
                        List.of(
                                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                                CompletedPart.builder().partNumber(2).eTag(e2).build()))
                .complete();
        assertThat(read(key)).isEqualTo(data);
    }

    @Test
    void shouldSealTheObjectWhenOneSelfCopyRequestIsReset() {
        byte[] data = random(PART + 1000, 13);
        Upload upload = uploadParts("docs/sealed", data);

        faults.inject(
                head -> head.method().equals("PUT") && head.text().toLowerCase().contains("x-amz-copy-source:"),
                Fault.resetAfterRequestBytes(0),
                1);
        upload.complete();
        assertThat(read("docs/sealed")).isEqualTo(data);
    }

    @Test
    void shouldNeverServeTheObjectUnsealedWhenTheSealFails() {
        byte[] old = random(1000, 14);
        client.putObject(b -> b.bucket(bucket).key("docs/unsealed"), RequestBody.fromBytes(old));
        byte[] data = random(PART + 1000, 15);
        Upload upload = uploadParts("docs/unsealed", data);

        faults.inject(
                head -> head.method().equals("PUT") && head.text().toLowerCase().contains("x-amz-copy-source:"),
                Fault.resetAfterRequestBytes(0),
                1000);
        Throwable failed = catchThrowable(upload::complete);
        assertThat(failed).isInstanceOf(S3Exception.class);
        faults.clear();

        // the completed object is there, unsealed: reads refuse it, whole and ranged
        assertThatThrownBy(() -> read("docs/unsealed")).isInstanceOf(S3Exception.class);
        assertThatThrownBy(() -> client.getObjectAsBytes(
                        b -> b.bucket(bucket).key("docs/unsealed").range("bytes=0-9")))
                .isInstanceOf(S3Exception.class);
    }

    /** Found by the soak: a throttled read-back of the completed object answered 500, which clients do not retry. */
    @Test
    void shouldAnswerServiceUnavailableWhenTheUpstreamThrottlesTheSealsReadBack() {
        byte[] data = random(PART + 1000, 19);
        Upload upload = uploadParts("docs/seal-throttled", data);

        faults.inject(request("HEAD", "/docs/seal-throttled"), Fault.slowDown(), 1);
        S3Exception failed = (S3Exception) catchThrowable(upload::complete);
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After"))
                .hasValue("1");

        // the object is pending, never served unsealed; the client's retried completion seals it,
        // although the upstream has forgotten the upload it completed
        assertThatThrownBy(() -> read("docs/seal-throttled")).isInstanceOf(S3Exception.class);
        upload.complete();
        assertThat(read("docs/seal-throttled")).isEqualTo(data);
        assertThat(client.headObject(b -> b.bucket(bucket).key("docs/seal-throttled"))
                        .contentLength())
                .isEqualTo(data.length);
    }

    @Test
    void shouldNeverServeTheObjectUnsealedWhenTheCompletionAnswerIsLost() {
        byte[] data = random(PART + 1000, 16);
        Upload upload = uploadParts("docs/lost", data);

        faults.inject(request("POST", "uploadId="), Fault.resetAfterResponseBytes(0), 1);
        S3Exception failed = (S3Exception) catchThrowable(upload::complete);
        assertThat(failed.statusCode()).isEqualTo(503);

        // pending until the client retries, then sealed by the retry and readable
        assertThatThrownBy(() -> read("docs/lost")).isInstanceOf(S3Exception.class);
        upload.complete();
        assertThat(read("docs/lost")).isEqualTo(data);
    }

    private record Upload(S3Client client, String bucket, String key, String id, List<CompletedPart> parts) {
        void complete() {
            client.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
        }
    }

    private Upload uploadParts(String key, byte[] data) {
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String e1 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, 0, PART)))
                .eTag();
        String e2 = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(2),
                        RequestBody.fromBytes(Arrays.copyOfRange(data, PART, data.length)))
                .eTag();
        return new Upload(
                client,
                bucket,
                key,
                id,
                List.of(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build()));
    }

    private String upstreamUploadId(S3Client direct, String key) {
        return direct.listMultipartUploads(b -> b.bucket(bucket).prefix(key))
                .uploads()
                .get(0)
                .uploadId();
    }

    private static Predicate<RequestHead> request(String method, String targetPart) {
        return head -> head.is(method, targetPart);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static S3ProxyServer store() {
        return S3ProxyServer.filesystemStore();
    }

    private S3Client alice() {
        return S3Clients.sync(endpoint(), ALICE_KEY, ALICE_SECRET);
    }

    private String newBucket() {
        String name = "f-" + UUID.randomUUID().toString().substring(0, 12);
        try (S3Client direct = store().directClient()) {
            direct.createBucket(b -> b.bucket(name));
        }
        return name;
    }

    private byte[] read(String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private HeadObjectResponse directHead(String key) {
        try (S3Client direct = store().directClient()) {
            return direct.headObject(b -> b.bucket(bucket).key(key));
        }
    }

    private void assertNoObject(String key) {
        try (S3Client direct = store().directClient()) {
            assertThatThrownBy(() -> direct.headObject(b -> b.bucket(bucket).key(key)))
                    .isInstanceOf(S3Exception.class);
            assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents())
                    .extracting(S3Object::key)
                    .doesNotContain(key);
        }
    }

    /**
     * Every object at the upstream is ciphertext, and is either sealed (its envelope records the
     * plaintext length) or refused by s3seal: nothing readable is left half-written.
     */
    private void assertNothingServedUnsealed(String bucketToCheck) throws IOException {
        try (S3Client direct = store().directClient();
                S3Client reader = alice()) {
            for (S3Object object :
                    direct.listObjectsV2(b -> b.bucket(bucketToCheck)).contents()) {
                byte[] start = Files.readAllBytes(store().objectPath(bucketToCheck, object.key()));
                assertThat(new String(start, 0, Math.min(4, start.length), StandardCharsets.US_ASCII))
                        .as("%s is ciphertext", object.key())
                        .isEqualTo("S3SL");
                HeadObjectResponse head =
                        direct.headObject(b -> b.bucket(bucketToCheck).key(object.key()));
                if (!head.metadata().containsKey("s3seal-l")) {
                    assertThatThrownBy(() -> reader.getObjectAsBytes(
                                    b -> b.bucket(bucketToCheck).key(object.key())))
                            .as("unsealed %s is refused", object.key())
                            .isInstanceOf(S3Exception.class);
                }
            }
        } catch (NoSuchKeyException gone) {
            // listed, then deleted by the test: nothing to check
        }
    }
}
