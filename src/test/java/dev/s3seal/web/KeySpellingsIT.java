package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Keys a store reads as another key. S3 keeps every byte of a key; S3Proxy (jclouds) reads {@code a//b} as
 * {@code a/b}, {@code k.pem/} as {@code k.pem} and {@code x/../k} as {@code k}, in paths, copy sources and
 * DeleteObjects bodies. Each spelling here once reached, through s3seal, an object a deny rule protects; now
 * it is refused and the store, read directly, still holds the object untouched and no copy of it.
 */
class KeySpellingsIT extends ProxyIntegrationTest {

    private static final String BUCKET =
            "spellings-" + UUID.randomUUID().toString().substring(0, 8);
    private static final byte[] NESTED = "nested secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PEM = "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP = "archived, never deleted".getBytes(StandardCharsets.UTF_8);

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(
                registry,
                List.of(
                        "  - name: nested-secrets",
                        "    key-prefixes: [team/secret/]",
                        "    mode: deny",
                        "  - name: no-private-keys",
                        "    key-globs: ['*.pem']",
                        "    mode: deny",
                        "  - name: archive-kept",
                        "    key-prefixes: [archive/]",
                        "    operations: [delete, write]",
                        "    mode: deny",
                        "  - name: default",
                        "    mode: passthrough"));
    }

    private S3Client direct;

    @BeforeEach
    void setUp() {
        direct = store().directClient();
        if (direct.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
            direct.createBucket(b -> b.bucket(BUCKET));
        }
        direct.putObject(b -> b.bucket(BUCKET).key("team/secret/plan.txt"), RequestBody.fromBytes(NESTED));
        direct.putObject(b -> b.bucket(BUCKET).key("keys/server.pem"), RequestBody.fromBytes(PEM));
        direct.putObject(b -> b.bucket(BUCKET).key("archive/keep.txt"), RequestBody.fromBytes(KEEP));
    }

    @AfterEach
    void tearDown() {
        direct.close();
    }

    @Test
    void shouldNotReadADeniedObjectThroughAKeyTheStoreNormalises() throws IOException {
        for (String path : List.of(
                "team//secret/plan.txt",
                "team/%2Fsecret/plan.txt",
                "team///secret/plan.txt",
                "keys/server.pem/",
                "keys/server.pem%2F",
                "keys//server.pem")) {
            RawHttp.Response response = send("GET", "/" + BUCKET + "/" + path, null, Map.of(), new byte[0]);
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.errorCode()).as(path).isEqualTo("AccessDenied");
            assertThat(response.body()).as(path).doesNotContain("nested secret", "PRIVATE KEY");
        }
    }

    @Test
    void shouldNotOverwriteOrDeleteAProtectedObjectThroughAKeyTheStoreNormalises() throws Exception {
        byte[] body = "overwritten".getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("team//secret/plan.txt", "keys/server.pem/")) {
            assertThat(send("PUT", "/" + BUCKET + "/" + path, null, Map.of(), body)
                            .status())
                    .as(path)
                    .isEqualTo(403);
            assertThat(send("DELETE", "/" + BUCKET + "/" + path, null, Map.of(), new byte[0])
                            .status())
                    .as(path)
                    .isEqualTo(403);
        }
        for (String key : List.of("keys/server.pem/", "team//secret/plan.txt")) {
            RawHttp.Response response = deleteObjects(key);
            assertThat(response.status()).as(key).isEqualTo(403);
            assertThat(response.errorCode()).as(key).isEqualTo("AccessDenied");
        }
        // a dot segment, which the store resolves, is refused as it is in a path
        RawHttp.Response dotted = deleteObjects("x/../archive/keep.txt");
        assertThat(dotted.status()).isEqualTo(400);
        assertThat(dotted.errorCode()).isEqualTo("InvalidArgument");

        assertThat(stored("team/secret/plan.txt")).isEqualTo(NESTED);
        assertThat(stored("keys/server.pem")).isEqualTo(PEM);
        assertThat(stored("archive/keep.txt")).isEqualTo(KEEP);
    }

    @Test
    void shouldNotCopyADeniedObjectThroughASpellingOfItsSource() throws IOException {
        for (String source : List.of(
                "/" + BUCKET + "/keys/server.pem/",
                "/" + BUCKET + "/team//secret/plan.txt",
                BUCKET + "/keys//server.pem")) {
            RawHttp.Response response =
                    send("PUT", "/" + BUCKET + "/stolen/copy", null, Map.of("x-amz-copy-source", source), new byte[0]);
            assertThat(response.status()).as(source).isEqualTo(403);
            assertThat(response.errorCode()).as(source).isEqualTo("AccessDenied");
        }
        assertThat(direct.listObjectsV2(b -> b.bucket(BUCKET).prefix("stolen/")).contents())
                .isEmpty();
    }

    @Test
    void shouldKeepFolderMarkersAndOrdinaryKeysWorking() {
        try (S3Client client = alice()) {
            client.putObject(b -> b.bucket(BUCKET).key("docs/"), RequestBody.empty());
            client.putObject(b -> b.bucket(BUCKET).key("docs/readme.txt"), RequestBody.fromString("hello"));
            assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("docs/readme.txt"))
                            .asUtf8String())
                    .isEqualTo("hello");
            assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("docs/"))
                            .contents())
                    .isNotEmpty();
            client.deleteObject(b -> b.bucket(BUCKET).key("docs/readme.txt"));
        }
    }

    private RawHttp.Response deleteObjects(String key) throws IOException, NoSuchAlgorithmException {
        byte[] xml = ("<Delete><Object><Key>" + key + "</Key></Object></Delete>").getBytes(StandardCharsets.UTF_8);
        String md5 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest(xml));
        return send("POST", "/" + BUCKET, "delete", Map.of("content-md5", md5), xml);
    }

    private RawHttp.Response send(
            String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        SignedRequests.Signed signed = SignedRequests.signedRaw(
                "127.0.0.1:" + port, ALICE_KEY, ALICE_SECRET, method, rawPath, rawQuery, headers, body);
        return RawHttp.send(port, method, signed.pathAndQuery(), signed.headers(), signed.body(), signed.body().length);
    }

    private byte[] stored(String key) {
        return direct.getObject(b -> b.bucket(BUCKET).key(key), ResponseTransformer.toBytes())
                .asByteArray();
    }
}
