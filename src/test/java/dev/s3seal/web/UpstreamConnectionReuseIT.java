package dev.s3seal.web;

import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_KEY;
import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_SECRET;
import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ConnectionCountingRelay;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Upstream connections are kept alive across exchanges whose handlers take one answer and cancel the
 * rest ({@code next()}): a small encrypted PutObject (held body, one upstream PUT) and the small
 * exchanges of multipart uploads. One client sends its requests one after another, so one pooled
 * upstream connection serves them all; closing it after each exchange cost a TCP handshake and an
 * upstream accept per request (issue 11, "Small cse-* requests" in docs/benchmarks.md). Counted on the
 * connections that reach the upstream through a relay that changes nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamConnectionReuseIT {

    private static final ConnectionCountingRelay relay =
            ConnectionCountingRelay.inFrontOf(S3ProxyServer.filesystemStore().endpoint());
    private static final int REQUESTS = 10;

    @LocalServerPort
    int port;

    private final String bucket = "reuse-" + UUID.randomUUID().toString().substring(0, 12);
    private S3Client client;

    @DynamicPropertySource
    static void relayedUpstream(DynamicPropertyRegistry registry) throws IOException {
        relay.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @BeforeAll
    void createBucket() {
        client = S3Clients.sync(URI.create("http://127.0.0.1:" + port), ALICE_KEY, ALICE_SECRET);
        client.createBucket(b -> b.bucket(bucket));
    }

    @AfterAll
    void closeClient() {
        client.close();
    }

    @Test
    void shouldReuseTheUpstreamConnectionForSmallEncryptedPuts() {
        client.putObject(b -> b.bucket(bucket).key("first"), RequestBody.fromBytes(random(4096, 0)));
        int before = relay.connections();

        for (int i = 1; i <= REQUESTS; i++) {
            byte[] data = random(4096, i);
            String key = "small-" + i;
            String etag = client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data))
                    .eTag();
            assertThat(etag).isEqualTo(quotedMd5(data));
        }

        // sequential requests on one pooled connection; a new one per PUT before the fix
        assertThat(relay.connections() - before).isLessThanOrEqualTo(1);
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("small-" + REQUESTS))
                        .asByteArray())
                .isEqualTo(random(4096, REQUESTS));
    }

    @Test
    void shouldReuseTheUpstreamConnectionForSmallExchangesOfMultipartUploads() {
        client.createMultipartUpload(b -> b.bucket(bucket).key("warm-up"));
        int before = relay.connections();

        for (int i = 1; i <= REQUESTS; i++) {
            String key = "multipart-" + i;
            String uploadId =
                    client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            assertThat(uploadId).isNotBlank();
        }

        assertThat(relay.connections() - before).isLessThanOrEqualTo(1);
    }
}
