package dev.s3seal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.s3seal.cli.rewrap.BucketRewrapper;
import dev.s3seal.cli.rewrap.RewrapReport;
import dev.s3seal.cli.rewrap.SelfCopy;
import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import dev.s3seal.cli.support.UpstreamCalls;
import dev.s3seal.testsupport.KmsKeyStateGate;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RecordingUpstream;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Key rotation end to end, as docs/rotation.md runs it: objects written through the proxy under local key version 1
 * and a KMS key, the policy rotated (version 2 active, the rule's KMS key another one), {@code rewrap} run (its
 * upstream traffic counted by a recording proxy in front of S3Proxy: no object body crosses the wire), version 1
 * removed and the old KMS key disabled, and every object still reads byte for byte through the proxy, multipart
 * objects with their part count and ranges. Also: a dry run changes nothing, a rerun skips everything, Ctrl-C stops
 * cleanly and a rerun resumes, and crypto-shredding: objects left under a retired version or a disabled KMS key are
 * refused with AccessDenied and {@code verify} reports them wrong-key, exit 1.
 */
class RewrapIT extends ProxyIntegrationTest {

    private static final int PART = 5 * 1024 * 1024;
    private static Path policyFile;
    private static Path keyV1;
    private static Path keyV2;
    /** moto does not refuse a disabled key; this front does, as KMS does (DisabledException) */
    private static KmsKeyStateGate kms;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("s3seal-rewrap");
        keyV1 = dir.resolve("master-v1.key");
        keyV2 = dir.resolve("master-v2.key");
        Files.writeString(keyV1, Base64.getEncoder().encodeToString(random(32, 101)));
        Files.writeString(keyV2, Base64.getEncoder().encodeToString(random(32, 102)));
        policyFile = dir.resolve("policy.yaml");
        writePolicy(List.of(1), 1, newKmsAlias());
        kms = KmsKeyStateGate.inFrontOfMoto();
        registry.add("s3seal.policy", policyFile::toString);
        registry.add("s3seal.kms.endpoint", () -> kms.endpoint().toString());
        registry.add("s3seal.kms.region", () -> MotoServer.REGION);
        registry.add("s3seal.kms.access-key-id", () -> "test");
        registry.add("s3seal.kms.secret-access-key", () -> "test");
    }

    private String bucket;
    private String probeBucket;
    private S3Client client;
    private S3Client direct;
    private RecordingUpstream recorder;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        probeBucket = newBucket();
        client = alice();
        direct = store().directClient();
        recorder = RecordingUpstream.inFrontOf(store().endpoint());
    }

    @AfterEach
    void tearDown() throws IOException {
        client.close();
        direct.close();
        recorder.close();
    }

    @Test
    void shouldRotateToANewLocalVersionAndAnotherKmsKeyWithoutMovingABody() throws IOException {
        String oldAlias = usePolicy(List.of(1), 1);
        Map<String, byte[]> written = writeObjects();
        String multipartEtag =
                direct.headObject(b -> b.bucket(bucket).key("local/multi.bin")).eTag();
        String canary = "canary/v1.bin";
        client.putObject(b -> b.bucket(probeBucket).key(canary), RequestBody.fromBytes(random(1000, 9)));

        String newAlias = usePolicy(List.of(1, 2), 2);

        CliRun dryRun = rewrap("--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.out() + dryRun.err()).isZero();
        assertThat(dryRun.out().lines().filter(line -> line.startsWith("WOULD REWRAP")))
                .hasSize(6);
        assertThat(dryRun.out())
                .contains(
                        "WOULD REWRAP s3://" + bucket + "/local/small.bin: local master/1 -> local master/2",
                        "would rewrap 6, already current 0",
                        "passthrough 1");
        assertThat(storedMetadata("local/small.bin")).containsEntry("s3seal-kv", "1");
        String smallHeader = storedMetadata("local/small.bin").get("s3seal-f");
        String kmsHeader = storedMetadata("kms/one.bin").get("s3seal-f");
        assertThat(smallHeader).isNotNull();
        assertThat(kmsHeader).isNotNull();
        assertThat(storedMetadata("kms/one.bin").get("s3seal-ki")).isEqualTo(arnOf(oldAlias));

        recorder.clear();
        CliRun run = rewrap("--concurrency", "3");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "7 objects; rewrapped 6, already current 0, skipped 0, failed 0",
                        "not encrypted by s3seal's rules 1 (passthrough 1)");
        assertNoBodyCrossedTheWire(recorder.traffic());
        for (String key : List.of("local/small.bin", "local/multi.bin", "local/empty.bin")) {
            assertThat(storedMetadata(key))
                    .as(key)
                    .containsEntry("s3seal-ki", "master")
                    .containsEntry("s3seal-kv", "2");
        }
        for (String key : List.of("kms/one.bin", "kms/multi.bin", "kms/cached.bin")) {
            assertThat(storedMetadata(key).get("s3seal-ki")).as(key).isEqualTo(arnOf(newAlias));
        }
        // the bodies stay, and so does the copy of their stream header (docs/format.md 4.1)
        assertThat(storedMetadata("local/small.bin")).containsEntry("s3seal-f", smallHeader);
        assertThat(storedMetadata("kms/one.bin")).containsEntry("s3seal-f", kmsHeader);
        assertThat(storedMetadata("local/multi.bin")).doesNotContainKey("s3seal-f");
        // the part layout and so the ETag stay: the sealed manifest still matches
        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/multi.bin"))
                        .eTag())
                .isEqualTo(multipartEtag)
                .endsWith("-2\"");
        HeadObjectResponse small = direct.headObject(b -> b.bucket(bucket).key("local/small.bin"));
        assertThat(small.contentType()).isEqualTo("text/x-report");
        assertThat(small.metadata()).containsEntry("owner", "alice");
        assertThat(direct.headObject(b -> b.bucket(bucket).key("kms/cached.bin"))
                        .cacheControl())
                .isEqualTo("max-age=60");

        recorder.clear();
        CliRun rerun = rewrap();
        assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
        assertThat(rerun.out()).contains("rewrapped 0, already current 6");
        assertThat(recorder.traffic())
                .allSatisfy(traffic -> assertThat(traffic.request().method()).isIn("GET", "HEAD"));

        // retire: version 1 leaves the policy, the old KMS key is disabled
        disable(oldAlias);
        writePolicy(List.of(2), 2, newAlias);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertAccessDenied(probeBucket, canary));

        written.forEach((key, data) -> assertThat(
                        client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .as(key)
                .isEqualTo(data));
        byte[] across = client.getObjectAsBytes(b ->
                        b.bucket(bucket).key("local/multi.bin").range("bytes=" + (PART - 1000) + "-" + (PART + 999)))
                .asByteArray();
        assertThat(across).isEqualTo(Arrays.copyOfRange(written.get("local/multi.bin"), PART - 1000, PART + 1000));
        CliRun verify = CliRun.with(toolProperties(store().endpoint().toString()), "verify", "--bucket", bucket);
        assertThat(verify.exitCode()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("ok 6, failed 0");
    }

    @Test
    void shouldMakeObjectsUnderARetiredKeyUnreadableAndReportThemWrongKey() throws IOException {
        String alias = usePolicy(List.of(1), 1);
        client.putObject(b -> b.bucket(bucket).key("local/shredded.bin"), RequestBody.fromBytes(random(70_000, 1)));
        client.putObject(b -> b.bucket(bucket).key("kms/shredded.bin"), RequestBody.fromBytes(random(70_000, 2)));

        disable(alias);
        // retired in two steps, as the proxy requires: writes move to version 2, then version 1 leaves
        usePolicy(List.of(1, 2), 2);
        writePolicy(List.of(2), 2, alias);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertAccessDenied(bucket, "local/shredded.bin"));
        assertAccessDenied(bucket, "kms/shredded.bin");

        CliRun verify = CliRun.with(toolProperties(store().endpoint().toString()), "verify", "--bucket", bucket);
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(verify.out())
                .contains(
                        "FAILED wrong-key s3://" + bucket
                                + "/local/shredded.bin: the data key does not unwrap (unknown_key)",
                        "FAILED wrong-key s3://" + bucket
                                + "/kms/shredded.bin: the data key does not unwrap (unknown_key)",
                        "failed 2 (wrong-key 2)");
        CliRun rewrap = rewrap();
        assertThat(rewrap.exitCode()).as(rewrap.out() + rewrap.err()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(rewrap.out())
                .contains(
                        "FAILED wrong-key s3://" + bucket + "/local/shredded.bin: ",
                        "FAILED wrong-key s3://" + bucket + "/kms/shredded.bin: ",
                        "failed 2 (wrong-key 2)");

        // retiring is reversible while the key material exists: destroying it is what shreds
        kms.enable(keyIdOf(alias), "alias/" + alias, arnOf(alias));
        writePolicy(List.of(1, 2), 2, alias);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                client.getObjectAsBytes(b -> b.bucket(bucket).key("local/shredded.bin"))
                                        .asByteArray())
                        .isEqualTo(random(70_000, 1)));
    }

    @Test
    void shouldStopCleanlyWhenInterruptedAndResumeOnRerun() throws IOException {
        usePolicy(List.of(1), 1);
        Map<String, byte[]> written = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            String key = String.format("many/%02d.bin", i);
            byte[] data = random(1000 + i, i);
            client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            written.put(key, data);
        }
        client.putObject(b -> b.bucket(bucket).key("s3ec/client-format.bin"), RequestBody.fromBytes(random(500, 3)));
        usePolicy(List.of(1, 2), 2);

        RewrapReport stopped;
        AtomicInteger seen = new AtomicInteger();
        try (BucketTools tools = BucketTools.open(
                ToolEnvironment.of(toolProperties(store().endpoint().toString())))) {
            BucketRewrapper rewrapper = new BucketRewrapper(tools, null);
            stopped = rewrapper.rewrap(
                    bucket,
                    "",
                    2,
                    false,
                    verdict -> {
                        if (seen.incrementAndGet() == 5) {
                            rewrapper.stop(); // what Ctrl-C does
                        }
                    },
                    started -> {});
        }

        assertThat(stopped.objects()).isLessThan(25).isGreaterThanOrEqualTo(5);
        assertThat(stopped.summary()).contains("STOPPED before the end");
        written.forEach((key, data) -> assertThat(
                        client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .as(key)
                .isEqualTo(data));
        CliRun rerun = rewrap();
        assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
        assertThat(rerun.out())
                .contains(
                        "25 objects; rewrapped " + (24 - stopped.rewrapped()) + ", already current "
                                + stopped.rewrapped() + ", skipped 1 (s3ec-format 1)",
                        "SKIPPED s3ec-format s3://" + bucket
                                + "/s3ec/client-format.bin: in the AWS S3 Encryption Client's format");
        for (String key : written.keySet()) {
            assertThat(storedMetadata(key)).as(key).containsEntry("s3seal-kv", "2");
        }
    }

    @Test
    void shouldLeaveAnObjectAsAClientRewroteItWhenItsEtagChanged() throws IOException {
        usePolicy(List.of(1), 1);
        byte[] single = random(20_000, 7);
        byte[] multi = random(PART + 1_000, 8);
        client.putObject(b -> b.bucket(bucket).key("local/single.bin"), RequestBody.fromBytes(single));
        TwoPartUpload.upload(client, bucket, "local/multi.bin", multi, PART, b -> {});
        HeadObjectResponse singleHead = direct.headObject(b -> b.bucket(bucket).key("local/single.bin"));
        HeadObjectResponse multiHead = direct.headObject(b -> b.bucket(bucket).key("local/multi.bin"));
        String stale = "\"0123456789abcdef0123456789abcdef\"";

        try (BucketTools tools = BucketTools.open(
                ToolEnvironment.of(toolProperties(store().endpoint().toString())))) {
            SelfCopy copy = new SelfCopy(new UpstreamCalls(tools.upstream()));
            Map<String, List<String>> headers = Map.of("x-amz-meta-s3seal-kv", List.of("9"));
            assertThatThrownBy(() -> copy.singlePart(bucket, "local/single.bin", stale, headers)
                            .block(Duration.ofSeconds(30)))
                    .isInstanceOf(SelfCopy.Changed.class);
            dev.s3seal.crypto.MultipartLayout layout = layoutOf("local/multi.bin", tools);
            assertThatThrownBy(() -> copy.multipart(bucket, "local/multi.bin", stale, layout, headers)
                            .block(Duration.ofSeconds(30)))
                    .isInstanceOf(SelfCopy.Changed.class);
        }

        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/single.bin"))
                        .metadata())
                .isEqualTo(singleHead.metadata());
        assertThat(direct.headObject(b -> b.bucket(bucket).key("local/multi.bin"))
                        .metadata())
                .isEqualTo(multiHead.metadata());
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .as("the failed copy was aborted")
                .isEmpty();
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("local/multi.bin"))
                        .asByteArray())
                .isEqualTo(multi);
    }

    /** The part layout of a sealed multipart object, from its envelope and the proxy's key. */
    private dev.s3seal.crypto.MultipartLayout layoutOf(String key, BucketTools tools) {
        HeadObjectResponse head = direct.headObject(b -> b.bucket(bucket).key(key));
        Map<String, String> entries = new LinkedHashMap<>();
        head.metadata().forEach((name, value) -> entries.put("x-amz-meta-" + name, value));
        dev.s3seal.crypto.EnvelopeMetadata envelope = dev.s3seal.crypto.EnvelopeMetadata.fromHeaders(entries);
        dev.s3seal.keys.WrappedKey wrapped = new dev.s3seal.keys.WrappedKey(
                envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
        byte[] dataKey = tools.keys()
                .reader(wrapped)
                .unwrap(
                        wrapped,
                        dev.s3seal.keys.KeyContext.of(
                                bucket, key, envelope.context() == null ? Map.of() : envelope.context()))
                .block(Duration.ofSeconds(30));
        return new dev.s3seal.crypto.MultipartLayout(
                dev.s3seal.crypto.MultipartEnvelope.openManifest(envelope, dataKey, head.eTag()),
                envelope.segmentSize());
    }

    @Test
    void shouldRefuseAMissingBucketAsAUsageError() {
        CliRun run = CliRun.with(
                toolProperties(store().endpoint().toString()),
                "rewrap",
                "--bucket",
                "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("cannot list").doesNotContain("\tat ");
        CliRun bad = CliRun.with(
                toolProperties(store().endpoint().toString()), "rewrap", "--bucket", "b", "--concurrency", "0");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** Every kind of object rotation must handle, written through the proxy; returns their plaintexts. */
    private Map<String, byte[]> writeObjects() {
        Map<String, byte[]> written = new LinkedHashMap<>();
        byte[] small = random(200_003, 1);
        client.putObject(
                b -> b.bucket(bucket)
                        .key("local/small.bin")
                        .contentType("text/x-report")
                        .metadata(Map.of("owner", "alice")),
                RequestBody.fromBytes(small));
        written.put("local/small.bin", small);
        byte[] multi = random(PART + 70_001, 2);
        TwoPartUpload.upload(client, bucket, "local/multi.bin", multi, PART, b -> {});
        written.put("local/multi.bin", multi);
        client.putObject(b -> b.bucket(bucket).key("local/empty.bin"), RequestBody.empty());
        written.put("local/empty.bin", new byte[0]);
        byte[] one = random(150_005, 3);
        client.putObject(b -> b.bucket(bucket).key("kms/one.bin"), RequestBody.fromBytes(one));
        written.put("kms/one.bin", one);
        byte[] kmsMulti = random(PART + 65_536, 4);
        TwoPartUpload.upload(client, bucket, "kms/multi.bin", kmsMulti, PART, b -> {});
        written.put("kms/multi.bin", kmsMulti);
        byte[] cached = random(10_000, 5);
        client.putObject(
                b -> b.bucket(bucket).key("kms/cached.bin").cacheControl("max-age=60"), RequestBody.fromBytes(cached));
        written.put("kms/cached.bin", cached);
        byte[] plain = random(100, 6);
        client.putObject(b -> b.bucket(bucket).key("public/plain.txt"), RequestBody.fromBytes(plain));
        written.put("public/plain.txt", plain);
        return written;
    }

    /**
     * Every request rewrap sent moved a few KiB at most: a HEAD, a listing, a CopyObject, an UploadPartCopy or a
     * completion, never an object GET or PUT with a body.
     */
    private static void assertNoBodyCrossedTheWire(List<RecordingUpstream.Traffic> traffic) {
        assertThat(traffic).isNotEmpty();
        long total = 0;
        for (RecordingUpstream.Traffic request : traffic) {
            assertThat(request.requestBodyBytes())
                    .as(request.request().toString())
                    .isLessThan(4096);
            assertThat(request.responseBytes()).as(request.request().toString()).isLessThan(8192);
            if (request.request().method().equals("GET")) {
                assertThat(request.request().rawQuery())
                        .as(request.request().toString())
                        .isNotNull();
            }
            total += request.requestBodyBytes() + request.responseBytes();
        }
        // the objects hold over 10 MiB; what crossed the wire is metadata
        assertThat(total).isLessThan(200_000);
        assertThat(traffic.stream().filter(t -> t.request().header("x-amz-copy-source") != null))
                .hasSizeGreaterThanOrEqualTo(6);
    }

    private void assertAccessDenied(String inBucket, String key) {
        assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket(inBucket).key(key)))
                .isInstanceOfSatisfying(S3Exception.class, denied -> {
                    assertThat(denied.statusCode()).isEqualTo(403);
                    assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
    }

    private CliRun rewrap(String... args) {
        List<String> all = new ArrayList<>(List.of("rewrap", "--bucket", bucket));
        all.addAll(List.of(args));
        return CliRun.with(toolProperties(recorder.endpoint().toString()), all.toArray(String[]::new));
    }

    /** The proxy's configuration as the tools read it, with {@code upstream} as the store's address. */
    private static Map<String, String> toolProperties(String upstream) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("s3seal.policy", policyFile.toString());
        properties.put("s3seal.upstream.endpoint", upstream);
        properties.put("s3seal.upstream.access-key-id", S3ProxyServer.ACCESS_KEY);
        properties.put("s3seal.upstream.secret-access-key", S3ProxyServer.SECRET_KEY);
        properties.put("s3seal.kms.endpoint", kms.endpoint().toString());
        properties.put("s3seal.kms.region", MotoServer.REGION);
        properties.put("s3seal.kms.access-key-id", "test");
        properties.put("s3seal.kms.secret-access-key", "test");
        return properties;
    }

    /**
     * Rewrites the policy with these local versions and a fresh KMS key behind the rule's {@code kms-main}, and waits
     * until the proxy writes with them; returns the KMS alias.
     */
    private String usePolicy(List<Integer> versions, int active) throws IOException {
        if (!versions.contains(activeInForce)) {
            // the proxy refuses a policy that drops the version it writes with: move the active version first
            java.util.TreeSet<Integer> both = new java.util.TreeSet<>(versions);
            both.add(activeInForce);
            awaitWritesWith(List.copyOf(both), active);
        }
        String alias = awaitWritesWith(versions, active);
        activeInForce = active;
        return alias;
    }

    /** The local version the policy in force writes with (the tests share one proxy and one policy file). */
    private static int activeInForce = 1;

    private String awaitWritesWith(List<Integer> versions, int active) throws IOException {
        String alias = newKmsAlias();
        writePolicy(versions, active, alias);
        String arn = arnOf(alias);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String probe = "probe-" + UUID.randomUUID();
            client.putObject(b -> b.bucket(probeBucket).key(probe), RequestBody.fromBytes(random(10, 1)));
            client.putObject(b -> b.bucket(probeBucket).key("kms/" + probe), RequestBody.fromBytes(random(10, 1)));
            assertThat(direct.headObject(b -> b.bucket(probeBucket).key(probe)).metadata())
                    .containsEntry("s3seal-kv", Integer.toString(active));
            assertThat(direct.headObject(b -> b.bucket(probeBucket).key("kms/" + probe))
                            .metadata())
                    .containsEntry("s3seal-ki", arn);
        });
        return alias;
    }

    private static String newKmsAlias() {
        String alias = "s3seal-rewrap-" + UUID.randomUUID().toString().substring(0, 8);
        MotoServer.get().createKey(alias);
        return alias;
    }

    private static String arnOf(String alias) {
        return MotoServer.get()
                .admin()
                .describeKey(b -> b.keyId("alias/" + alias))
                .join()
                .keyMetadata()
                .arn();
    }

    private static void disable(String alias) {
        kms.disable(keyIdOf(alias), "alias/" + alias, arnOf(alias));
    }

    private static String keyIdOf(String alias) {
        return MotoServer.get()
                .admin()
                .describeKey(b -> b.keyId("alias/" + alias))
                .join()
                .keyMetadata()
                .keyId();
    }

    /** The policy of docs/rotation.md: local key {@code master} with these versions, KMS key {@code kms-main}. */
    private static void writePolicy(List<Integer> versions, int active, String kmsAlias) throws IOException {
        List<String> lines = new ArrayList<>(
                List.of("keys:", "  master:", "    type: local", "    active-version: " + active, "    versions:"));
        for (int version : versions) {
            lines.add("      - {version: " + version + ", file: " + (version == 1 ? keyV1 : keyV2) + "}");
        }
        lines.addAll(List.of(
                "  kms-main:",
                "    type: kms",
                "    key-id: alias/" + kmsAlias,
                "rules:",
                "  - {name: s3ec, key-prefixes: [s3ec/], mode: cse-local, key: master, options: {format: s3ec-v3}}",
                "  - {name: kms, key-prefixes: [kms/], mode: cse-kms, key: kms-main}",
                "  - {name: public, key-prefixes: [public/], mode: passthrough}",
                "  - {name: default, mode: cse-local, key: master}",
                ""));
        Path next = policyFile.resolveSibling("policy.yaml.next");
        Files.writeString(next, String.join("\n", lines));
        Files.move(
                next,
                policyFile,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Map<String, String> storedMetadata(String key) {
        return direct.headObject(b -> b.bucket(bucket).key(key)).metadata();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
