package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.md5;
import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.FileTrees;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Plaintext ETags under the client-side modes: PUT, HEAD, GET and listings show the MD5 of the
 * plaintext, conditional reads work with it, and the upstream holds it only sealed.
 */
class EncryptedEtagIT extends StandardPolicyIntegrationTest {

    @TempDir
    Path workDir;

    private String bucket;
    private S3Client client;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
    }

    /**
     * A listing between a PUT and its sealing self-copy (which keeps the upstream ETag, the lookup
     * cache's key) must not pin the ciphertext ETag for later listings.
     */
    @Test
    void shouldListThePlaintextEtagOnceAnObjectListedUnsealedIsSealed() {
        byte[] data = random(10_000);
        client.putObject(b -> b.bucket(bucket).key("docs/late-seal"), RequestBody.fromBytes(data));
        try (S3Client direct = store().directClient()) {
            Map<String, String> sealed = direct.headObject(b -> b.bucket(bucket).key("docs/late-seal"))
                    .metadata();
            assertThat(sealed).containsKey("s3seal-h");
            Map<String, String> unsealed = new java.util.HashMap<>(sealed);
            unsealed.remove("s3seal-h");
            replaceMetadata(direct, "docs/late-seal", unsealed);
            assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("docs/late-seal"))
                            .contents()
                            .get(0)
                            .eTag())
                    .as("unsealed: the upstream's ETag")
                    .isNotEqualTo(quotedMd5(data));

            replaceMetadata(direct, "docs/late-seal", sealed);
        }
        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("docs/late-seal"))
                        .contents()
                        .get(0)
                        .eTag())
                .as("sealed since")
                .isEqualTo(quotedMd5(data));
    }

    private void replaceMetadata(S3Client direct, String key, Map<String, String> metadata) {
        direct.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(key)
                .destinationBucket(bucket)
                .destinationKey(key)
                .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)
                .metadata(metadata));
    }

    @Test
    void shouldAnswerPlaintextMd5AsEtagWithoutContentMd5() {
        assertPlaintextEtagEverywhere("docs/no-md5", random(200_001), false);
    }

    @Test
    void shouldAnswerPlaintextMd5AsEtagWithContentMd5() {
        assertPlaintextEtagEverywhere("docs/with-md5", random(70_000), true);
    }

    @Test
    void shouldAnswerPlaintextMd5AsEtagUnderCseKms() {
        assertPlaintextEtagEverywhere("kms/no-md5", random(10), false);
    }

    @Test
    void shouldAnswerPlaintextMd5OfEmptyObject() {
        assertPlaintextEtagEverywhere("docs/empty", new byte[0], false);
    }

    @Test
    void shouldKeepMetadataAndHeadersThroughTheSealingCopy() {
        byte[] data = random(1000);
        client.putObject(
                b -> b.bucket(bucket)
                        .key("meta")
                        .contentType("text/x-test")
                        .cacheControl("max-age=5")
                        .contentDisposition("attachment")
                        .metadata(Map.of("owner", "alice")),
                RequestBody.fromBytes(data));
        var head = client.headObject(b -> b.bucket(bucket).key("meta"));
        assertThat(head.eTag()).isEqualTo(quotedMd5(data));
        assertThat(head.contentType()).isEqualTo("text/x-test");
        assertThat(head.cacheControl()).isEqualTo("max-age=5");
        assertThat(head.contentDisposition()).isEqualTo("attachment");
        assertThat(head.metadata()).containsEntry("owner", "alice").doesNotContainKeys("s3seal-h", "s3seal-k");
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("meta")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldEvaluateConditionalReadsAgainstPlaintextEtag() {
        byte[] data = random(100_000);
        client.putObject(b -> b.bucket(bucket).key("cond"), RequestBody.fromBytes(data));
        String etag = quotedMd5(data);
        String other = "\"0123456789abcdef0123456789abcdef\"";

        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifMatch(etag))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifMatch(other + ", " + etag))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifMatch("*"))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifNoneMatch(other))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket)
                                .key("cond")
                                .range("bytes=10-19")
                                .ifMatch(etag))
                        .asByteArray())
                .isEqualTo(java.util.Arrays.copyOfRange(data, 10, 20));
        assertStatus(
                () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifMatch(other)), 412);
        assertStatus(
                () -> client.getObjectAsBytes(
                        b -> b.bucket(bucket).key("cond").range("bytes=0-9").ifMatch(other)),
                412);
        assertStatus(
                () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifNoneMatch(etag)), 304);
        assertStatus(
                () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("cond").ifNoneMatch("*")), 304);
        assertStatus(() -> client.headObject(b -> b.bucket(bucket).key("cond").ifMatch(other)), 412);
        assertStatus(() -> client.headObject(b -> b.bucket(bucket).key("cond").ifNoneMatch(etag)), 304);
        assertThat(client.headObject(b -> b.bucket(bucket).key("cond").ifMatch(etag))
                        .eTag())
                .isEqualTo(etag);
        // If-Match true wins over a false If-Unmodified-Since, as in S3
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket)
                                .key("cond")
                                .ifMatch(etag)
                                .ifUnmodifiedSince(java.time.Instant.parse("2000-01-01T00:00:00Z")))
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void shouldStoreOnlyTheSealedMd5() {
        byte[] data = random(5000);
        client.putObject(b -> b.bucket(bucket).key("sealed"), RequestBody.fromBytes(data));
        byte[] md5 = md5(data);
        var stored = store().directClient().headObject(b -> b.bucket(bucket).key("sealed"));
        assertThat(stored.metadata()).containsKeys("s3seal-h", "s3seal-k", "s3seal-l");
        String hex = HexFormat.of().formatHex(md5);
        String b64 = Base64.getEncoder().encodeToString(md5);
        assertThat(stored.eTag()).doesNotContain(hex);
        stored.metadata()
                .values()
                .forEach(value ->
                        assertThat(value).doesNotContainIgnoringCase(hex).doesNotContain(b64));
        assertThat(stored.metadata().get("s3seal-h")).isNotEmpty();
        assertThat(Base64.getDecoder().decode(stored.metadata().get("s3seal-h")))
                .hasSize(44);
    }

    @Test
    void shouldListCiphertextEtagOfMultipartObjectUnchangedAndPlaintextEtagsOfOthers() {
        byte[] one = random(1);
        client.putObject(b -> b.bucket(bucket).key("a/one"), RequestBody.fromBytes(one));
        client.putObject(b -> b.bucket(bucket).key("public/plain"), RequestBody.fromString("plain"));
        Map<String, String> etags = new java.util.HashMap<>();
        client.listObjects(b -> b.bucket(bucket)).contents().forEach(o -> etags.put(o.key(), o.eTag()));
        assertThat(etags)
                .containsEntry("a/one", quotedMd5(one))
                .containsEntry("public/plain", quotedMd5("plain".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void shouldCopyCheckAndSyncWithRclone() throws IOException {
        Path source = FileTrees.writeRandomFiles(workDir.resolve("src"), 7, "f", 0, 1, 65_535, 65_537, 3 * 1024 * 1024);
        FileTrees.writeText(source.resolve("nested dir/hello wörld+1.txt"), "hello through s3seal\n");
        rclone("copy", source.toString(), "s3seal:" + bucket + "/tree");
        String check =
                rclone("check", source.toString(), "s3seal:" + bucket + "/tree").output();
        assertThat(check).contains("0 differences found").doesNotContain("hashes could not be checked");
        String second = rclone("sync", "-v", source.toString(), "s3seal:" + bucket + "/tree")
                .output();
        assertThat(second).as("second sync transfers nothing").doesNotContain("Copied (new)", "Copied (replaced");
    }

    /**
     * A listing of many objects, cold then warm lookup cache, shows every plaintext ETag. In CI it
     * lists 120 objects (three pages of 50); `-Ds3seal.bench.objects=1000` turns it into the
     * measurement in docs/benchmarks.md (the timings are printed, never asserted).
     */
    @Test
    void shouldShowPlaintextEtagsOnEveryPageOfALongListing() {
        int count = Integer.getInteger("s3seal.bench.objects", 120);
        java.util.Map<String, String> expected = new java.util.HashMap<>();
        // sequential: concurrent sync-client PUTs can stall in the SDK's digest pool under BlockHound
        for (int i = 0; i < count; i++) {
            String key = String.format("bench/%05d", i);
            byte[] data = random(100 + i);
            client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            expected.put(key, quotedMd5(data));
        }
        List<Long> millis = new ArrayList<>();
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            List<S3Object> listed = client
                    .listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix("bench/").maxKeys(count > 500 ? 1000 : 50))
                    .contents()
                    .stream()
                    .toList();
            millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
            assertThat(listed).hasSize(count);
            listed.forEach(o -> assertThat(o.eTag()).as(o.key()).isEqualTo(expected.get(o.key())));
        }
        System.out.println(
                "BENCH listing of " + count + " objects, ms: cold=" + millis.get(0) + " warm=" + millis.subList(1, 4));
    }

    private void assertPlaintextEtagEverywhere(String key, byte[] data, boolean contentMd5) {
        String expected = quotedMd5(data);
        var put = client.putObject(
                b -> {
                    b.bucket(bucket).key(key);
                    if (contentMd5) {
                        b.contentMD5(Base64.getEncoder().encodeToString(md5(data)));
                    }
                },
                RequestBody.fromBytes(data));
        assertThat(put.eTag()).as("PUT").isEqualTo(expected);
        assertThat(client.headObject(b -> b.bucket(bucket).key(key)).eTag())
                .as("HEAD")
                .isEqualTo(expected);
        var get = client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes());
        assertThat(get.response().eTag()).as("GET").isEqualTo(expected);
        assertThat(get.asByteArray()).isEqualTo(data);
        if (data.length > 1) {
            var range =
                    client.getObject(b -> b.bucket(bucket).key(key).range("bytes=1-"), ResponseTransformer.toBytes());
            assertThat(range.response().eTag()).as("ranged GET").isEqualTo(expected);
        }
        var listed = client.listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents();
        assertThat(listed).singleElement().satisfies(o -> {
            assertThat(o.eTag()).as("ListObjectsV2").isEqualTo(expected);
            assertThat(o.size()).isEqualTo(data.length);
        });
        assertThat(store().directClient()
                        .headObject(b -> b.bucket(bucket).key(key))
                        .metadata())
                .containsKey("s3seal-h");
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(status));
    }

    private Command.Result rclone(String... args) {
        return new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir).rclone(args);
    }
}
