package dev.s3seal.testsupport;

import java.net.URI;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Base of end-to-end tests: s3seal on a random port in front of a real S3Proxy (filesystem
 * backend, so what is at rest can be read) that verifies s3seal's re-signed requests.
 * Clients: {@code alice} may use every bucket, {@code bob} only {@link #BOB_BUCKET}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ProxyIntegrationTest {

    public static final String ALICE_KEY = "alice-key";
    public static final String ALICE_SECRET = "alice-secret-0123456789";
    public static final String BOB_KEY = "bob-key";
    public static final String BOB_SECRET = "bob-secret-0123456789";
    public static final String BOB_BUCKET = "bob-only";

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void proxyProperties(DynamicPropertyRegistry registry) {
        S3ProxyServer store = S3ProxyServer.filesystemStore();
        store.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("s3seal.clients[1].name", () -> "bob");
        registry.add("s3seal.clients[1].access-key-id", () -> BOB_KEY);
        registry.add("s3seal.clients[1].secret-access-key", () -> BOB_SECRET);
        registry.add("s3seal.clients[1].buckets", () -> BOB_BUCKET);
        registry.add("s3seal.virtual-host-domains", () -> "localhost");
        registry.add("management.server.port", () -> "0");
    }

    protected URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    protected S3ProxyServer store() {
        return S3ProxyServer.filesystemStore();
    }

    protected S3Client alice() {
        return S3Clients.sync(endpoint(), ALICE_KEY, ALICE_SECRET);
    }

    /** Bob's bucket ({@link #BOB_BUCKET}), created on the shared store unless a test did before. */
    protected void ensureBobBucket() {
        try (S3Client direct = store().directClient()) {
            direct.createBucket(b -> b.bucket(BOB_BUCKET));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException exists) {
            // made by another test on the same store
        }
    }

    /** A fresh bucket, created through s3seal. */
    protected String newBucket() {
        String bucket = "b-" + UUID.randomUUID().toString().substring(0, 12);
        try (S3Client client = alice()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }
}
