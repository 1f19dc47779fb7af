package dev.s3seal.web;

import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_KEY;
import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_SECRET;
import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.RecordingUpstream;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.SignedRequests.Payload;
import dev.s3seal.testsupport.SignedRequests.Signed;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Request parity for PutObject under cse-local: a body up to {@code s3seal.limits.max-held-body} is read
 * whole and verified, then stored in ONE upstream PUT that already carries the sealed plaintext MD5,
 * whatever checksum the client sent (SDK default CRC32 trailer, unsigned payload without checksum).
 * A larger body still streams and is sealed by a self-copy (two requests). Reads show the plaintext MD5
 * as ETag either way, and a held body that fails its check never reaches the upstream at all. Counted on
 * the requests that reach the upstream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneRequestPutIT {

    private static final RecordingUpstream recorder = RecordingUpstream.inFrontOfFilesystemStore();
    private static final int MiB = 1024 * 1024;

    @LocalServerPort
    int port;

    private final String bucket = "oneput-" + UUID.randomUUID().toString().substring(0, 12);
    private S3Client client;
    private S3Client direct;

    @DynamicPropertySource
    static void recordedUpstream(DynamicPropertyRegistry registry) throws IOException {
        recorder.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        registry.add("s3seal.limits.max-held-body", () -> "2MB");
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @BeforeAll
    void createBucket() {
        client = S3Clients.sync(URI.create("http://127.0.0.1:" + port), ALICE_KEY, ALICE_SECRET);
        direct = S3ProxyServer.filesystemStore().directClient();
        client.createBucket(b -> b.bucket(bucket));
    }

    @AfterAll
    void closeClients() {
        client.close();
        direct.close();
    }

    @BeforeEach
    void clearRecording() {
        recorder.clear();
    }

    @Test
    void shouldStoreASdkDefaultPutInOneUpstreamRequest() {
        byte[] data = random(MiB, 11);
        String etag = client.putObject(b -> b.bucket(bucket).key("sdk"), RequestBody.fromBytes(data))
                .eTag();

        assertThat(upstreamRequests()).hasSize(1);
        assertThat(upstreamRequests().get(0).header("x-amz-copy-source")).isNull();
        assertThat(upstreamRequests().get(0).header("content-length")).isNotNull();
        assertStoredAndReadable("sdk", data, etag);
    }

    @Test
    void shouldStoreAnUnsignedPayloadPutWithoutChecksumInOneUpstreamRequest() throws IOException {
        byte[] data = random(MiB, 12);
        RawHttp.Response response = send(put("unsigned", data, Payload.UNSIGNED, Map.of()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstreamRequests()).hasSize(1);
        assertStoredAndReadable("unsigned", data, response.headers().get("etag"));
    }

    @Test
    void shouldStoreAnEmptyBodyInOneUpstreamRequest() {
        String etag = client.putObject(b -> b.bucket(bucket).key("empty"), RequestBody.empty())
                .eTag();

        assertThat(upstreamRequests()).hasSize(1);
        assertStoredAndReadable("empty", new byte[0], etag);
    }

    @Test
    void shouldStreamABodyAboveTheBoundAndSealItWithASecondRequest() {
        byte[] data = random(3 * MiB, 13);
        String etag = client.putObject(b -> b.bucket(bucket).key("large"), RequestBody.fromBytes(data))
                .eTag();

        List<RecordingUpstream.Recorded> requests = upstreamRequests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).header("x-amz-copy-source")).isNotNull();
        assertStoredAndReadable("large", data, etag);
    }

    @Test
    void shouldSendNothingUpstreamWhenAHeldBodyFailsItsTrailerChecksum() throws IOException {
        Signed put = put("bad-trailer", random(100_000, 14), Payload.CHUNKED_UNSIGNED_CRC32_TRAILER, Map.of());
        String text = new String(put.body(), StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x-amz-checksum-crc32:") + "x-amz-checksum-crc32:".length();
        String original = text.substring(at, text.indexOf("\r\n", at));
        String wrong = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});
        byte[] tampered = (text.substring(0, at) + wrong + text.substring(at + original.length()))
                .getBytes(StandardCharsets.ISO_8859_1);

        RawHttp.Response response = send(put.withBody(tampered));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("BadDigest");
        assertThat(upstreamRequests()).isEmpty();
        assertThat(direct.listObjectsV2(b -> b.bucket(bucket).prefix("bad-trailer"))
                        .contents())
                .isEmpty();
    }

    @Test
    void shouldKeepIfNoneMatchOnTheOneUpstreamPut() throws IOException {
        byte[] data = random(10_000, 15);
        RawHttp.Response response = send(put("conditional", data, Payload.UNSIGNED, Map.of("If-None-Match", "*")));

        assertThat(response.status()).isEqualTo(200);
        List<RecordingUpstream.Recorded> requests = upstreamRequests();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).header("if-none-match")).isEqualTo("*");
        assertStoredAndReadable("conditional", data, response.headers().get("etag"));
    }

    private void assertStoredAndReadable(String key, byte[] data, String putEtag) {
        assertThat(putEtag).isEqualTo(quotedMd5(data));
        var stored = direct.headObject(b -> b.bucket(bucket).key(key));
        assertThat(stored.metadata()).containsKeys("s3seal-h", "s3seal-k", "s3seal-l");
        assertThat(stored.eTag()).isNotEqualTo(putEtag);
        var read = client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        assertThat(read.asByteArray()).isEqualTo(data);
        assertThat(read.response().eTag()).isEqualTo(putEtag);
        assertThat(client.headObject(b -> b.bucket(bucket).key(key)).eTag()).isEqualTo(putEtag);
    }

    /** Every request s3seal made upstream since the test began (the recorder sees only s3seal's traffic). */
    private List<RecordingUpstream.Recorded> upstreamRequests() {
        return recorder.requests();
    }

    private Signed put(String key, byte[] body, Payload payload, Map<String, String> headers) {
        return SignedRequests.put(
                URI.create("http://127.0.0.1:" + port),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + bucket + "/" + key,
                body,
                payload,
                Clock.systemUTC(),
                headers);
    }

    private RawHttp.Response send(Signed request) throws IOException {
        return RawHttp.send(
                port,
                "PUT",
                request.pathAndQuery(),
                new ArrayList<>(request.headers()),
                request.body(),
                request.body().length);
    }
}
