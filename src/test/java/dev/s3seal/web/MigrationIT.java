package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
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
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Moving a bucket under s3seal: objects stored before it (unencrypted) are read only where the rule
 * allows unencrypted reads, copied into encryption by a CopyObject, and listed with their true sizes
 * even when a stored size happens to be a valid ciphertext size; objects written under one segment
 * size are listed exactly under a rule with another.
 */
class MigrationIT extends ProxyIntegrationTest {

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(
                registry,
                List.of(
                        "  - name: legacy",
                        "    key-prefixes: [legacy/]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      allow-unencrypted-reads: true",
                        "  - name: bob-small-segments",
                        "    key-prefixes: [resized/]",
                        "    principals: [bob]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      segment-size: 16384",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master"));
    }

    /** Not a size s3seal would store, but one that maps to a plaintext size under 64 KiB segments. */
    private static final int LEGACY_SIZE = 1_000;

    private String bucket;
    private S3Client client;
    private S3Client direct;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
        direct = store().directClient();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void shouldServeUnencryptedObjectWhenTheRuleAllowsUnencryptedReads() {
        byte[] legacy = random(LEGACY_SIZE);
        direct.putObject(b -> b.bucket(bucket).key("legacy/old"), RequestBody.fromBytes(legacy));

        assertThat(client.getObject(b -> b.bucket(bucket).key("legacy/old"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(legacy);
        assertThat(client.getObject(
                                b -> b.bucket(bucket).key("legacy/old").range("bytes=100-199"),
                                ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(Arrays.copyOfRange(legacy, 100, 200));
        var head = client.headObject(b -> b.bucket(bucket).key("legacy/old"));
        assertThat(head.contentLength()).isEqualTo(LEGACY_SIZE);
        assertThat(head.eTag())
                .isEqualTo(direct.headObject(b -> b.bucket(bucket).key("legacy/old"))
                        .eTag());
    }

    @Test
    void shouldDenyUnencryptedObjectWhenTheRuleDoesNotAllowUnencryptedReads() {
        direct.putObject(b -> b.bucket(bucket).key("current/old"), RequestBody.fromBytes(random(LEGACY_SIZE)));

        assertThatThrownBy(
                        () -> client.getObject(b -> b.bucket(bucket).key("current/old"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
    }

    @Test
    void shouldListUnencryptedObjectsWithTheirStoredSizeAndEtag() {
        assertThat(CiphertextSizes.plaintextLength(LEGACY_SIZE, 65_536))
                .as("the trap: a valid ciphertext size")
                .isNotEqualTo(LEGACY_SIZE);
        byte[] legacy = random(LEGACY_SIZE);
        direct.putObject(b -> b.bucket(bucket).key("legacy/old"), RequestBody.fromBytes(legacy));
        direct.putObject(b -> b.bucket(bucket).key("current/old"), RequestBody.fromBytes(legacy));
        byte[] fresh = random(LEGACY_SIZE);
        client.putObject(b -> b.bucket(bucket).key("legacy/new"), RequestBody.fromBytes(fresh));
        String storedEtag =
                direct.headObject(b -> b.bucket(bucket).key("legacy/old")).eTag();

        Map<String, S3Object> v2 = listV2(client, bucket, "");
        assertThat(v2.get("legacy/old").size()).isEqualTo(LEGACY_SIZE);
        assertThat(v2.get("legacy/old").eTag()).isEqualTo(storedEtag);
        assertThat(v2.get("current/old").size())
                .as("unreadable here, but its size is still the true one")
                .isEqualTo(LEGACY_SIZE);
        assertThat(v2.get("legacy/new").size()).isEqualTo(LEGACY_SIZE);
        assertThat(v2.get("legacy/new").eTag())
                .isEqualTo(client.headObject(b -> b.bucket(bucket).key("legacy/new"))
                        .eTag());
        Map<String, Long> v1 = new HashMap<>();
        client.listObjects(b -> b.bucket(bucket).prefix("legacy/")).contents().forEach(o -> v1.put(o.key(), o.size()));
        assertThat(v1).containsEntry("legacy/old", (long) LEGACY_SIZE).containsEntry("legacy/new", (long) LEGACY_SIZE);
    }

    @Test
    void shouldEncryptUnencryptedObjectWhenCopiedOntoItself() {
        byte[] legacy = random(LEGACY_SIZE);
        direct.putObject(b -> b.bucket(bucket).key("legacy/doc"), RequestBody.fromBytes(legacy));

        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("legacy/doc")
                .destinationBucket(bucket)
                .destinationKey("legacy/doc")
                .metadataDirective("REPLACE")
                .metadata(Map.of("migrated", "yes")));

        byte[] atRest = direct.getObject(b -> b.bucket(bucket).key("legacy/doc"), ResponseTransformer.toBytes())
                .asByteArray();
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        var read = client.getObject(b -> b.bucket(bucket).key("legacy/doc"), ResponseTransformer.toBytes());
        assertThat(read.asByteArray()).isEqualTo(legacy);
        assertThat(read.response().metadata()).containsEntry("migrated", "yes");
        assertThat(listV2(client, bucket, "legacy/").get("legacy/doc").size()).isEqualTo(LEGACY_SIZE);
    }

    @Test
    void shouldListExactSizeWhenTheRuleNowHasAnotherSegmentSize() {
        ensureBobBucket();
        String key = "resized/" + UUID.randomUUID();
        int size = 200_000;
        byte[] data = random(size);
        client.putObject(b -> b.bucket(BOB_BUCKET).key(key), RequestBody.fromBytes(data));
        long stored = direct.headObject(b -> b.bucket(BOB_BUCKET).key(key)).contentLength();
        assertThat(stored).as("written with 64 KiB segments").isEqualTo(CiphertextSizes.ciphertextLength(size, 65_536));
        assertThat(CiphertextSizes.plaintextLength(stored, 16_384))
                .as("the trap: arithmetic under 16 KiB segments")
                .isNotEqualTo(size);

        try (S3Client bob = dev.s3seal.testsupport.S3Clients.sync(endpoint(), BOB_KEY, BOB_SECRET)) {
            assertThat(listV2(bob, BOB_BUCKET, key).get(key).size())
                    .as("listed under bob's 16 KiB rule")
                    .isEqualTo(size);
            assertThat(bob.getObject(b -> b.bucket(BOB_BUCKET).key(key), ResponseTransformer.toBytes())
                            .asByteArray())
                    .isEqualTo(data);
        }
    }

    private static Map<String, S3Object> listV2(S3Client lister, String bucket, String prefix) {
        Map<String, S3Object> listed = new HashMap<>();
        lister.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> listed.put(o.key(), o));
        return listed;
    }
}
