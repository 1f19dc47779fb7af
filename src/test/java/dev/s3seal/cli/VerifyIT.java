package dev.s3seal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.TestPolicies;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code verify} against a bucket the proxy wrote (cse-local and cse-kms, single-part and sealed multipart, the
 * {@code s3ec-v3} format, a passthrough object) in which objects were then planted directly in the store: a tampered
 * body (s3seal's format and the S3 Encryption Client's), a truncated one, a foreign one (another object's body and
 * metadata under a new name), plaintext under a cse rule, garbage s3seal metadata. Each is reported with its reason,
 * the good ones are not, the exit code is 1; a clean bucket or prefix exits 0. In process and as
 * {@code java -jar target/s3seal.jar verify} with the proxy's environment variables.
 */
class VerifyIT extends ProxyIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PART = 5 * 1024 * 1024;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(
                registry,
                List.of(
                        "  - name: s3ec",
                        "    key-prefixes: [s3ec/]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      format: s3ec-v3",
                        "  - name: kms",
                        "    key-prefixes: [kms/]",
                        "    mode: cse-kms",
                        "    key: kms-main",
                        "  - name: public",
                        "    key-prefixes: [public/]",
                        "    mode: passthrough",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master"));
    }

    @Autowired
    private Environment environment;

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
        direct.close();
    }

    @Test
    void shouldReportEachPlantedObjectWithItsReasonAndExitOne() throws IOException {
        writeGoodObjects();
        CliRun clean = verify("--bucket", bucket, "--concurrency", "3");
        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).doesNotContain("FAILED").contains("7 objects", "ok 6, failed 0", "passthrough 1");

        plantObjects();
        CliRun run = verify("--bucket", bucket);

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(run.out())
                .contains(
                        "FAILED tampered s3://" + bucket + "/planted/tampered.bin: ",
                        "FAILED tampered s3://" + bucket + "/s3ec/tampered.bin: ",
                        "FAILED tampered s3://" + bucket + "/kms/multipart-tampered.bin: ",
                        "FAILED truncated s3://" + bucket + "/planted/truncated.bin: ",
                        "FAILED wrong-key s3://" + bucket + "/planted/foreign.bin: ",
                        "FAILED not-encrypted s3://" + bucket + "/planted/plain.txt: ",
                        "FAILED unknown-format s3://" + bucket + "/planted/garbage.bin: ",
                        "12 objects",
                        "ok 4, failed 7 (tampered 3, truncated 1, wrong-key 1, not-encrypted 1, unknown-format 1)",
                        "passthrough 1");
        assertThat(run.out().lines().filter(line -> line.startsWith("FAILED"))).hasSize(7);
        assertThat(run.out()).doesNotContain("/good/", "/kms/single.bin", "/s3ec/good.bin", "/public/");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldWriteAMachineReadableReport() throws IOException {
        writeGoodObjects();
        plantObjects();

        CliRun run = verify("--bucket", bucket, "--prefix", "planted/", "--json", "--concurrency", "8");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("objects").asLong()).isEqualTo(5);
        assertThat(report.get("ok").asLong()).isZero();
        assertThat(report.get("failed").asLong()).isEqualTo(5);
        assertThat(report.get("failedByReason").get("tampered").asLong()).isEqualTo(1);
        assertThat(report.get("failedByReason").get("wrong-key").asLong()).isEqualTo(1);
        Map<String, String> reasons = new LinkedHashMap<>();
        report.get("failures")
                .forEach(failure -> reasons.put(
                        failure.get("key").asString(), failure.get("reason").asString()));
        assertThat(reasons)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "planted/tampered.bin",
                        "tampered",
                        "planted/truncated.bin",
                        "truncated",
                        "planted/foreign.bin",
                        "wrong-key",
                        "planted/plain.txt",
                        "not-encrypted",
                        "planted/garbage.bin",
                        "unknown-format"));
    }

    @Test
    void shouldRunAsAScriptRunsTheJar() throws IOException {
        Path jar = Path.of("target", "s3seal.jar");
        assertThat(jar)
                .as("the jar: failsafe runs after package (./mvnw verify)")
                .exists();
        writeGoodObjects();
        plantObjects();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Command.Result clean = Command.run(
                proxyEnvironment(),
                Duration.ofSeconds(120),
                List.of(java, "-jar", jar.toString(), "verify", "--bucket", bucket, "--prefix", "good/"));
        Command.Result planted = Command.run(
                proxyEnvironment(),
                Duration.ofSeconds(120),
                List.of(java, "-jar", jar.toString(), "verify", "--bucket", bucket, "--prefix", "planted/"));
        Command.Result missing = Command.run(
                proxyEnvironment(),
                Duration.ofSeconds(120),
                List.of(java, "-jar", jar.toString(), "verify", "--bucket", "no-such-bucket-" + bucket));

        assertThat(clean.exitCode()).as(clean.output()).isZero();
        assertThat(clean.output()).contains("2 objects", "ok 2, failed 0");
        assertThat(planted.exitCode()).as(planted.output()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(planted.output())
                .contains(
                        "FAILED truncated s3://" + bucket + "/planted/truncated.bin",
                        "FAILED wrong-key s3://" + bucket + "/planted/foreign.bin",
                        "failed 5")
                .doesNotContain("\tat ");
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.output()).contains("cannot list");
    }

    /** Good objects: cse-local and cse-kms single-part and multipart, s3ec-v3, and one passthrough object. */
    private void writeGoodObjects() {
        put("good/local.bin", 200_003);
        TwoPartUpload.upload(client, bucket, "good/multipart.bin", random(PART + 70_001, 3), PART, b -> {});
        put("kms/single.bin", 150_005);
        TwoPartUpload.upload(client, bucket, "kms/multipart-tampered.bin", random(PART + 65_536, 5), PART, b -> {});
        put("s3ec/good.bin", 120_007);
        put("s3ec/tampered.bin", 100_009);
        put("public/readme.txt", 100);
    }

    /** Plants, directly in the store: tampered, truncated, foreign, plaintext and garbage-metadata objects. */
    private void plantObjects() {
        put("planted/tampered.bin", 300_000);
        replaceBody("planted/tampered.bin", body -> flip(body, 150_000));
        replaceBody("s3ec/tampered.bin", body -> flip(body, 50_000));
        replaceBody("kms/multipart-tampered.bin", body -> flip(body, PART + 1_000));
        put("planted/truncated.bin", 300_000);
        replaceBody("planted/truncated.bin", body -> Arrays.copyOf(body, body.length - 100));
        ResponseBytes<GetObjectResponse> source =
                direct.getObjectAsBytes(b -> b.bucket(bucket).key("good/local.bin"));
        direct.putObject(
                b -> b.bucket(bucket)
                        .key("planted/foreign.bin")
                        .metadata(source.response().metadata()),
                RequestBody.fromBytes(source.asByteArray()));
        direct.putObject(b -> b.bucket(bucket).key("planted/plain.txt"), RequestBody.fromString("not encrypted"));
        direct.putObject(
                b -> b.bucket(bucket)
                        .key("planted/garbage.bin")
                        .metadata(Map.of("s3seal-v", "9", "s3seal-k", "not base64!")),
                RequestBody.fromBytes(random(1000, 7)));
    }

    private void put(String key, int size) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(random(size, key.hashCode())));
    }

    /** Stores the object again, directly, with the same metadata and a changed body. */
    private void replaceBody(String key, java.util.function.UnaryOperator<byte[]> change) {
        ResponseBytes<GetObjectResponse> stored =
                direct.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        direct.putObject(
                b -> b.bucket(bucket).key(key).metadata(stored.response().metadata()),
                RequestBody.fromBytes(change.apply(stored.asByteArray())));
    }

    private CliRun verify(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.with(proxyProperties(), all);
    }

    /** The proxy's own configuration, as the tool reads it. */
    private Map<String, String> proxyProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String name : List.of(
                "s3seal.policy",
                "s3seal.upstream.endpoint",
                "s3seal.upstream.access-key-id",
                "s3seal.upstream.secret-access-key",
                "s3seal.kms.endpoint",
                "s3seal.kms.region",
                "s3seal.kms.access-key-id",
                "s3seal.kms.secret-access-key")) {
            properties.put(name, environment.getRequiredProperty(name));
        }
        return properties;
    }

    /** The same, as environment variables (S3SEAL_POLICY, S3SEAL_UPSTREAM_ENDPOINT, ...). */
    private Map<String, String> proxyEnvironment() {
        Map<String, String> variables = new LinkedHashMap<>();
        proxyProperties()
                .forEach((name, value) -> variables.put(
                        name.toUpperCase(java.util.Locale.ROOT)
                                .replace('.', '_')
                                .replace('-', '_'),
                        value));
        return variables;
    }

    private static byte[] flip(byte[] body, int position) {
        byte[] copy = body.clone();
        copy[position] ^= 0x01;
        return copy;
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
