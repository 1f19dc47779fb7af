package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.RecordedContext;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code cse-kms} with and without a key's {@code encryption-context}, the key named by alias, bare
 * key id and key ARN, against real moto KMS (which refuses {@code Decrypt} under any other context
 * than the one of the wrap): every kind of read must unwrap under exactly the write's context, also
 * after the policy changed the key's context.
 */
class KmsEncryptionContextIT extends ProxyIntegrationTest {

    private static final int MIB = 1024 * 1024;
    private static final Map<String, String> CONTEXT = Map.of("team", "orders", "env", "it");
    /** The key-id of {@code shared} is the one of {@code by-alias-ctx}, with its own context. */
    private static final Map<String, String> SHARED_CONTEXT = Map.of("team", "shared");

    private static Path policyFile;
    /** Per key name: a fresh KMS key's alias name, id and ARN (in that order). */
    private static final Map<String, String[]> KMS_KEYS = new LinkedHashMap<>();

    @Autowired
    private PolicyHolder policies;

    private String bucket;
    private S3Client client;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        MotoServer moto = MotoServer.get();
        // one KMS key per key name, so that no two key definitions share a key-id by accident
        for (String name :
                List.of("by-alias", "by-alias-ctx", "by-id", "by-id-ctx", "by-arn", "by-arn-ctx", "changing")) {
            String alias = "s3seal-ctx-" + UUID.randomUUID().toString().substring(0, 8);
            String id = moto.createKey(alias);
            String arn = moto.admin()
                    .describeKey(b -> b.keyId(id))
                    .join()
                    .keyMetadata()
                    .arn();
            KMS_KEYS.put(name, new String[] {alias, id, arn});
        }
        policyFile = Files.createTempDirectory("s3seal-ctx-policy").resolve("policy.yaml");
        Files.writeString(policyFile, policyYaml(Map.of()));
        registry.add("s3seal.policy", policyFile::toString);
        registry.add("s3seal.kms.endpoint", () -> moto.endpoint().toString());
        registry.add("s3seal.kms.region", () -> MotoServer.REGION);
        registry.add("s3seal.kms.access-key-id", () -> "test");
        registry.add("s3seal.kms.secret-access-key", () -> "test");
    }

    /**
     * Keys {@code by-alias}, {@code by-id}, {@code by-arn} (no context), the same with {@code -ctx}
     * ({@link #CONTEXT}), {@code shared} (the key-id of {@code by-alias-ctx}, {@link #SHARED_CONTEXT})
     * and {@code changing} (by alias, with {@code changingContext}); each under the rule for its own
     * prefix {@code <name>/}.
     */
    private static String policyYaml(Map<String, String> changingContext) {
        List<String> lines = new ArrayList<>(List.of("keys:"));
        List<String> rules = new ArrayList<>(List.of("rules:"));
        for (String name : List.of("by-alias", "by-alias-ctx", "by-id", "by-id-ctx", "by-arn", "by-arn-ctx")) {
            kmsKey(lines, name, keyIdOf(name), name.endsWith("-ctx") ? CONTEXT : Map.of());
            rule(rules, name);
        }
        kmsKey(lines, "shared", keyIdOf("by-alias-ctx"), SHARED_CONTEXT);
        rule(rules, "shared");
        kmsKey(lines, "changing", keyIdOf("changing"), changingContext);
        rule(rules, "changing");
        rules.addAll(List.of("  - name: default", "    mode: passthrough"));
        lines.addAll(rules);
        lines.add("");
        return String.join("\n", lines);
    }

    /** How the policy names the KMS key of {@code name}: alias, bare id or ARN, as the name says. */
    private static String keyIdOf(String name) {
        String[] key = KMS_KEYS.get(name);
        return name.startsWith("by-id") ? key[1] : name.startsWith("by-arn") ? key[2] : "alias/" + key[0];
    }

    private static void kmsKey(List<String> lines, String name, String id, Map<String, String> context) {
        lines.addAll(List.of("  " + name + ":", "    type: kms", "    key-id: " + id));
        if (!context.isEmpty()) {
            lines.add("    encryption-context:");
            context.forEach((k, v) -> lines.add("      " + k + ": " + v));
        }
    }

    private static void rule(List<String> rules, String name) {
        rules.addAll(List.of(
                "  - name: " + name, "    key-prefixes: [" + name + "/]", "    mode: cse-kms", "    key: " + name));
    }

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
    }

    @AfterEach
    void restorePolicy() throws IOException {
        changePolicy(Map.of());
        client.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"by-alias", "by-alias-ctx", "by-id", "by-id-ctx", "by-arn", "by-arn-ctx", "shared"})
    void shouldReadBackEveryWayWhateverTheKeyIsNamedAndItsContext(String name) {
        byte[] data = random(200_000);
        String key = name + "/object";
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        assertReadable(key, data, true);
        Map<String, String> stored = storedMetadata(key);
        assertThat(stored).containsEntry("s3seal-kp", "kms-layered");
        assertThat(RecordedContext.decode(Base64.getDecoder().decode(stored.get("s3seal-c"))))
                .as("the context of the wrap is recorded with it")
                .isEqualTo(name.equals("shared") ? SHARED_CONTEXT : name.endsWith("-ctx") ? CONTEXT : Map.of());

        // copy under the same key, and into another key's rule with (or without) a context
        client.copyObject(b ->
                b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(name + "/copy"));
        assertReadable(name + "/copy", data, true);
        String other = name.equals("by-alias-ctx") ? "by-id-ctx" : "by-alias-ctx";
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(key)
                .destinationBucket(bucket)
                .destinationKey(other + "/from-" + name));
        assertReadable(other + "/from-" + name, data, true);

        // multipart: parts and the completion unwrap the upload's key; UploadPartCopy too
        byte[] big = random(5 * MIB + 1000);
        TwoPartUpload.upload(client, bucket, name + "/multipart", big, 5 * MIB, create -> {});
        assertReadable(name + "/multipart", big, false);
        String target = name + "/part-copy";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(target)).uploadId();
        String etag = client.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey(key)
                        .destinationBucket(bucket)
                        .destinationKey(target)
                        .uploadId(uploadId)
                        .partNumber(1)
                        .copySourceRange("bytes=100-150099"))
                .copyPartResult()
                .eTag();
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(target)
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertReadable(target, Arrays.copyOfRange(data, 100, 150_100), false);

        Map<String, S3Object> listed = new HashMap<>();
        client.listObjectsV2(b -> b.bucket(bucket).prefix(name + "/"))
                .contents()
                .forEach(o -> listed.put(o.key(), o));
        assertThat(listed.get(key).size()).isEqualTo(data.length);
        assertThat(listed.get(key).eTag())
                .as("listing ETag is the plaintext MD5")
                .isEqualTo(quotedMd5(data));
    }

    @Test
    void shouldKeepObjectsReadableAfterThePolicyChangesTheKeysContext() throws IOException {
        byte[] before = random(150_000);
        byte[] big = random(5 * MIB + 10);
        client.putObject(b -> b.bucket(bucket).key("changing/none"), RequestBody.fromBytes(before));
        TwoPartUpload.upload(client, bucket, "changing/multipart", big, 5 * MIB, create -> {});
        // an upload created under the old context and finished under the new ones
        String pending = "changing/pending";
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(bucket).key(pending)).uploadId();

        changePolicy(Map.of("team", "orders"));
        assertReadable("changing/none", before, true);
        assertReadable("changing/multipart", big, false);
        byte[] during = random(100_000);
        client.putObject(b -> b.bucket(bucket).key("changing/orders"), RequestBody.fromBytes(during));
        assertReadable("changing/orders", during, true);
        String e1 = client.uploadPart(
                        b -> b.bucket(bucket).key(pending).uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(Arrays.copyOf(big, 5 * MIB)))
                .eTag();

        changePolicy(Map.of("team", "billing"));
        assertReadable("changing/none", before, true);
        assertReadable("changing/orders", during, true);
        String e2 = client.uploadPart(
                        b -> b.bucket(bucket).key(pending).uploadId(uploadId).partNumber(2),
                        RequestBody.fromBytes(Arrays.copyOfRange(big, 5 * MIB, big.length)))
                .eTag();
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(pending)
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build())));
        assertReadable(pending, big, false);
        // a copy re-wraps the key under the destination rule's context of now
        client.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("changing/orders")
                .destinationBucket(bucket)
                .destinationKey("changing/copied"));
        assertThat(RecordedContext.decode(Base64.getDecoder()
                        .decode(storedMetadata("changing/copied").get("s3seal-c"))))
                .isEqualTo(Map.of("team", "billing"));
        assertReadable("changing/copied", during, true);
    }

    @Test
    void shouldRefuseAnObjectWhoseRecordedContextWasEdited() {
        byte[] data = random(10_000);
        client.putObject(b -> b.bucket(bucket).key("by-alias-ctx/edited"), RequestBody.fromBytes(data));
        Map<String, String> forged = new HashMap<>(storedMetadata("by-alias-ctx/edited"));
        forged.put(
                "s3seal-c",
                Base64.getEncoder().encodeToString(RecordedContext.encode(Map.of("team", "orders", "env", "prod"))));
        try (S3Client direct = store().directClient()) {
            direct.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("by-alias-ctx/edited")
                    .destinationBucket(bucket)
                    .destinationKey("by-alias-ctx/edited")
                    .metadata(forged)
                    .metadataDirective(MetadataDirective.REPLACE));
        }
        assertThatThrownBy(() -> client.getObject(
                        b -> b.bucket(bucket).key("by-alias-ctx/edited"), ResponseTransformer.toBytes()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
    }

    /** Whole GET, a ranged GET across segments, HEAD (plaintext length; plaintext MD5 as ETag when single-part). */
    private void assertReadable(String key, byte[] data, boolean singlePart) {
        ResponseBytes<GetObjectResponse> whole =
                client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes());
        assertThat(whole.asByteArray()).as("GET %s", key).isEqualTo(data);
        int from = data.length / 3;
        int to = Math.min(data.length - 1, from + 70_000);
        byte[] range = client.getObject(
                        b -> b.bucket(bucket).key(key).range("bytes=" + from + "-" + to), ResponseTransformer.toBytes())
                .asByteArray();
        assertThat(range).as("ranged GET %s", key).isEqualTo(Arrays.copyOfRange(data, from, to + 1));
        HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(key));
        assertThat(head.contentLength()).isEqualTo(data.length);
        if (singlePart) {
            assertThat(head.eTag()).as("HEAD ETag of %s", key).isEqualTo(quotedMd5(data));
            assertThat(whole.response().eTag()).isEqualTo(quotedMd5(data));
        }
    }

    private Map<String, String> storedMetadata(String key) {
        try (S3Client direct = store().directClient()) {
            return direct.headObject(b -> b.bucket(bucket).key(key)).metadata();
        }
    }

    private void changePolicy(Map<String, String> changingContext) throws IOException {
        String yaml = policyYaml(changingContext);
        if (!yaml.equals(Files.readString(policyFile))) {
            Files.writeString(policyFile, yaml);
            policies.reloadIfChanged();
            assertThat(policies.policy().keys().get("changing").toString())
                    .as("the policy in force is the new one")
                    .contains(changingContext.toString());
        }
    }
}
