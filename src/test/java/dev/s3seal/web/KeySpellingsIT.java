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
 * DeleteObjects bodies. Each spelling here once reached, through s3seal, an object another rule governs (a
 * deny, or an encrypting mode); now a key with an empty or dot segment is refused where it is parsed, a
 * trailing {@code /} is decided under both names, and the store, read directly, still holds the protected
 * objects untouched, no copy of them and nothing stored under the encrypting rule.
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
                        "  - name: plans-encrypted",
                        "    key-prefixes: [team/plans/]",
                        "    mode: cse-local",
                        "    key: master",
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
        for (String path : List.of("keys/server.pem/", "keys/server.pem%2F")) {
            RawHttp.Response response = send("GET", "/" + BUCKET + "/" + path, null, Map.of(), new byte[0]);
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.errorCode()).as(path).isEqualTo("AccessDenied");
            assertThat(response.body()).as(path).doesNotContain("PRIVATE KEY");
        }
        for (String path : List.of(
                "team//secret/plan.txt", "team/%2Fsecret/plan.txt", "team///secret/plan.txt", "keys//server.pem")) {
            RawHttp.Response response = send("GET", "/" + BUCKET + "/" + path, null, Map.of(), new byte[0]);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.errorCode()).as(path).isEqualTo("InvalidURI");
            assertThat(response.body()).as(path).doesNotContain("nested secret", "PRIVATE KEY");
        }
    }

    @Test
    void shouldNotOverwriteOrDeleteAProtectedObjectThroughAKeyTheStoreNormalises() throws Exception {
        byte[] body = "overwritten".getBytes(StandardCharsets.UTF_8);
        assertThat(send("PUT", "/" + BUCKET + "/keys/server.pem/", null, Map.of(), body)
                        .status())
                .isEqualTo(403);
        assertThat(send("DELETE", "/" + BUCKET + "/keys/server.pem/", null, Map.of(), new byte[0])
                        .status())
                .isEqualTo(403);
        assertThat(send("PUT", "/" + BUCKET + "/team//secret/plan.txt", null, Map.of(), body)
                        .errorCode())
                .isEqualTo("InvalidURI");
        assertThat(send("DELETE", "/" + BUCKET + "/team//secret/plan.txt", null, Map.of(), new byte[0])
                        .errorCode())
                .isEqualTo("InvalidURI");

        RawHttp.Response marker = deleteObjects("keys/server.pem/");
        assertThat(marker.status()).isEqualTo(403);
        assertThat(marker.errorCode()).isEqualTo("AccessDenied");
        // segments the store resolves or collapses are refused, as in a path
        for (String key : List.of("x/../archive/keep.txt", "archive//keep.txt", "team//secret/plan.txt")) {
            RawHttp.Response response = deleteObjects(key);
            assertThat(response.status()).as(key).isEqualTo(400);
            assertThat(response.errorCode()).as(key).isEqualTo("InvalidArgument");
        }

        assertThat(stored("team/secret/plan.txt")).isEqualTo(NESTED);
        assertThat(stored("keys/server.pem")).isEqualTo(PEM);
        assertThat(stored("archive/keep.txt")).isEqualTo(KEEP);
    }

    @Test
    void shouldNotStorePlaintextUnderAnEncryptingRuleThroughAnEmptySegment() throws IOException {
        // "team//plans/q4.txt" is outside the cse-local rule as sent; S3Proxy stores it as "team/plans/q4.txt"
        byte[] plan = "quarterly plan, plaintext".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = send("PUT", "/" + BUCKET + "/team//plans/q4.txt", null, Map.of(), plan);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("InvalidURI");
        assertThat(direct.listObjectsV2(b -> b.bucket(BUCKET).prefix("team/plans/"))
                        .contents())
                .isEmpty();
    }

    @Test
    void shouldNotCopyADeniedObjectThroughASpellingOfItsSource() throws IOException {
        RawHttp.Response marker = send(
                "PUT",
                "/" + BUCKET + "/stolen/copy",
                null,
                Map.of("x-amz-copy-source", "/" + BUCKET + "/keys/server.pem/"),
                new byte[0]);
        assertThat(marker.status()).isEqualTo(403);
        assertThat(marker.errorCode()).isEqualTo("AccessDenied");
        for (String source : List.of("/" + BUCKET + "/team//secret/plan.txt", BUCKET + "/keys//server.pem")) {
            RawHttp.Response response =
                    send("PUT", "/" + BUCKET + "/stolen/copy", null, Map.of("x-amz-copy-source", source), new byte[0]);
            assertThat(response.status()).as(source).isEqualTo(400);
            assertThat(response.errorCode()).as(source).isEqualTo("InvalidArgument");
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
