package dev.s3seal.cli;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * {@code migrate} against moto's S3, which keeps tags and server-side encryption settings (S3Proxy's filesystem store
 * answers 501 to both): objects with tags, content headers and user metadata, objects encrypted only by the store
 * (SSE-S3, SSE-KMS), single-part and multipart rewrites. Afterwards each is in s3seal's format, keeps its tags, headers,
 * metadata and the store's own encryption, and {@code verify} authenticates every one.
 */
class MigrateOnMotoIT {

    private static final int MIB = 1024 * 1024;

    private MotoServer moto;
    private S3Client direct;
    private String bucket;
    private Path policy;

    @BeforeEach
    void setUp() throws IOException {
        moto = MotoServer.get();
        direct = S3Clients.sync(moto.endpoint(), "test", "test");
        bucket = "mig-" + UUID.randomUUID().toString().substring(0, 12);
        direct.createBucket(b -> b.bucket(bucket));
        Path dir = Files.createTempDirectory("s3seal-migrate-moto");
        Path key = dir.resolve("master-v1.key");
        Files.writeString(key, Base64.getEncoder().encodeToString(TestPolicies.masterKeyMaterial()));
        policy = dir.resolve("policy.yaml");
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "keys:",
                        "  master:",
                        "    type: local",
                        "    versions:",
                        "      - {version: 1, file: " + key + "}",
                        "rules:",
                        "  - {name: default, mode: cse-local, key: master}",
                        ""));
    }

    @AfterEach
    void tearDown() {
        direct.close();
    }

    @Test
    void shouldKeepTagsHeadersMetadataAndTheStoresEncryption() {
        String kmsKey =
                moto.createKey("s3seal-migrate-" + UUID.randomUUID().toString().substring(0, 8));
        byte[] small = "tagged and described\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        direct.putObject(
                b -> b.bucket(bucket)
                        .key("tagged.txt")
                        .contentType("text/plain")
                        .contentLanguage("en")
                        .metadata(Map.of("owner", "team-blue"))
                        .tagging("team=blue&note=a%20b%2Bc%3Dd%2Fe"),
                RequestBody.fromBytes(small));
        direct.putObject(
                b -> b.bucket(bucket)
                        .key("large.bin")
                        .contentType("application/x-large")
                        .tagging("size=large"),
                RequestBody.fromBytes(random(6 * MIB + 99, 5)));
        direct.putObject(
                b -> b.bucket(bucket).key("sse-s3.bin").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromBytes(random(10_000, 6)));
        direct.putObject(
                b -> b.bucket(bucket)
                        .key("sse-kms.bin")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(kmsKey)
                        .metadata(Map.of("kept", "yes")),
                RequestBody.fromBytes(random(20_000, 7)));
        Map<String, HeadObjectResponse> before = heads();

        CliRun run = CliRun.with(
                properties(),
                "migrate",
                "--bucket",
                bucket,
                "--multipart-threshold",
                Integer.toString(5 * MIB),
                "--part-size",
                Integer.toString(5 * MIB));

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("migrated 4 (", "failed 0");
        Map<String, HeadObjectResponse> after = heads();
        before.forEach((key, was) -> {
            HeadObjectResponse now = after.get(key);
            assertThat(now.metadata()).as(key).containsKey("s3seal-v").containsAllEntriesOf(was.metadata());
            assertThat(now.contentType()).as(key).isEqualTo(was.contentType());
            assertThat(now.contentLanguage()).as(key).isEqualTo(was.contentLanguage());
            assertThat(now.serverSideEncryption()).as(key).isEqualTo(was.serverSideEncryption());
            assertThat(now.ssekmsKeyId()).as(key).isEqualTo(was.ssekmsKeyId());
            assertThat(now.eTag()).as(key).isNotEqualTo(was.eTag());
        });
        assertThat(tags("tagged.txt")).containsExactlyInAnyOrderEntriesOf(Map.of("team", "blue", "note", "a b+c=d/e"));
        assertThat(tags("large.bin")).containsExactlyInAnyOrderEntriesOf(Map.of("size", "large"));
        assertThat(after.get("large.bin").eTag()).as("a multipart rewrite").endsWith("-2\"");

        CliRun verify = CliRun.with(properties(), "verify", "--bucket", bucket);
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("ok 4, failed 0");
        CliRun rerun = CliRun.with(properties(), "migrate", "--bucket", bucket);
        assertThat(rerun.out()).contains("migrated 0 (0 bytes), skipped 4 (already-encrypted 4)");
    }

    private Map<String, HeadObjectResponse> heads() {
        Map<String, HeadObjectResponse> heads = new LinkedHashMap<>();
        for (String key : List.of("tagged.txt", "large.bin", "sse-s3.bin", "sse-kms.bin")) {
            heads.put(key, direct.headObject(b -> b.bucket(bucket).key(key)));
        }
        return heads;
    }

    private Map<String, String> tags(String key) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : direct.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet()) {
            tags.put(tag.key(), tag.value());
        }
        return tags;
    }

    private Map<String, String> properties() {
        return Map.of(
                "s3seal.policy",
                policy.toString(),
                "s3seal.upstream.endpoint",
                moto.endpoint().toString(),
                "s3seal.upstream.region",
                MotoServer.REGION,
                "s3seal.upstream.access-key-id",
                "test",
                "s3seal.upstream.secret-access-key",
                "test",
                "s3seal.kms.endpoint",
                moto.endpoint().toString(),
                "s3seal.kms.region",
                MotoServer.REGION,
                "s3seal.kms.access-key-id",
                "test",
                "s3seal.kms.secret-access-key",
                "test");
    }
}
