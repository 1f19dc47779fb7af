package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * sse-s3 and sse-kms: the upstream encrypts, s3seal makes sure it is asked to with the rule's key.
 * Runs against S3Proxy's transient store, which records the SSE headers it is given.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServerSideEncryptionIT {

    private static final String KEY = "alice-key";
    private static final String SECRET = "alice-secret-sse";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        S3ProxyServer store = S3ProxyServer.transientStore();
        Path policy = Files.createTempFile("s3seal-sse", ".yaml");
        Path master = Files.createTempFile("s3seal-sse-master", ".key");
        Files.writeString(master, java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "keys:",
                        "  master:",
                        "    type: local",
                        "    versions:",
                        "      - version: 1",
                        "        file: " + master,
                        "  orders:",
                        "    type: kms",
                        "    key-id: arn:aws:kms:us-east-1:111122223333:key/orders",
                        "rules:",
                        "  - name: s3-managed",
                        "    buckets: sses3-*",
                        "    mode: sse-s3",
                        "  - name: kms-managed",
                        "    buckets: ssekms-*",
                        "    mode: sse-kms",
                        "    key: orders",
                        "  - name: client-side",
                        "    buckets: cse-*",
                        "    mode: cse-local",
                        "    key: master",
                        "  - name: default",
                        "    mode: passthrough",
                        ""));
        store.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> SECRET);
        registry.add("s3seal.policy", policy::toString);
        registry.add("management.server.port", () -> "0");
    }

    @Test
    void shouldAskUpstreamForS3ManagedEncryption() {
        String bucket = "sses3-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
            client.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("sse-s3 body"));
            assertThat(client.getObject(b -> b.bucket(bucket).key("k"), ResponseTransformer.toBytes())
                            .asUtf8String())
                    .isEqualTo("sse-s3 body");
        }
        HeadObjectResponse stored = S3ProxyServer.transientStore()
                .directClient()
                .headObject(b -> b.bucket(bucket).key("k"));
        assertThat(stored.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void shouldAskUpstreamForKmsEncryptionWithTheRulesKey() {
        String bucket = "ssekms-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
            client.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("sse-kms body"));
        }
        HeadObjectResponse stored = S3ProxyServer.transientStore()
                .directClient()
                .headObject(b -> b.bucket(bucket).key("k"));
        assertThat(stored.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(stored.ssekmsKeyId()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/orders");
    }

    @Test
    void shouldRefuseClientChoosingOtherEncryptionThanThePolicy() {
        String bucket = "ssekms-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
            assertThatThrownBy(() -> client.putObject(
                            b -> b.bucket(bucket).key("k").serverSideEncryption(ServerSideEncryption.AES256),
                            RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
        }
    }

    /** A copy between a client-side bucket and an SSE-S3 bucket re-encrypts: SSE headers one way, s3seal's format the other. */
    @Test
    void shouldCopyBetweenClientSideAndS3ManagedEncryption() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String cse = "cse-" + suffix;
        String sse = "sses3-" + suffix;
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(cse));
            client.createBucket(b -> b.bucket(sse));
            client.putObject(b -> b.bucket(cse).key("k"), RequestBody.fromString("client-side body"));

            client.copyObject(b ->
                    b.sourceBucket(cse).sourceKey("k").destinationBucket(sse).destinationKey("out"));
            client.copyObject(b ->
                    b.sourceBucket(sse).sourceKey("out").destinationBucket(cse).destinationKey("back"));

            assertThat(client.getObject(b -> b.bucket(cse).key("back"), ResponseTransformer.toBytes())
                            .asUtf8String())
                    .isEqualTo("client-side body");
        }
        S3Client direct = S3ProxyServer.transientStore().directClient();
        assertThat(direct.headObject(b -> b.bucket(sse).key("out")).serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
        assertThat(direct.getObject(b -> b.bucket(sse).key("out"), ResponseTransformer.toBytes())
                        .asUtf8String())
                .isEqualTo("client-side body");
        byte[] atRest = direct.getObject(b -> b.bucket(cse).key("back"), ResponseTransformer.toBytes())
                .asByteArray();
        assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("S3SL");
    }

    private S3Client client() {
        return S3Clients.sync(URI.create("http://127.0.0.1:" + port), KEY, SECRET);
    }
}
