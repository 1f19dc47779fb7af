package dev.s3seal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.TestPolicies;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code decrypt} reads objects the proxy wrote, taken straight from the store (body + head-object JSON), with no
 * proxy and no upstream: cse-local, cse-kms (moto), a sealed multipart object, and the {@code s3ec-v3} format
 * (local and KMS); byte for byte, in process and once as {@code java -jar target/s3seal.jar} (failsafe runs after
 * {@code package}). A tampered body exits 1 and leaves nothing. {@code encrypt} output uploaded directly to the
 * store reads through the proxy.
 */
class OfflineDecryptIT extends ProxyIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String kmsKeyId;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        kmsKeyId = TestPolicies.register(
                registry,
                List.of(
                        "  - name: s3ec-local",
                        "    key-prefixes: [s3ec-local/]",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      format: s3ec-v3",
                        "  - name: s3ec-kms",
                        "    key-prefixes: [s3ec-kms/]",
                        "    mode: cse-kms",
                        "    key: kms-main",
                        "    options:",
                        "      format: s3ec-v3",
                        "  - name: kms",
                        "    key-prefixes: [kms/]",
                        "    mode: cse-kms",
                        "    key: kms-main",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master"));
    }

    @TempDir
    Path dir;

    private String bucket;
    private S3Client client;
    private S3Client direct;
    private Path keyFile;

    @BeforeEach
    void setUp() throws IOException {
        bucket = newBucket();
        client = alice();
        direct = store().directClient();
        keyFile = Files.writeString(
                dir.resolve("master-v1.key"),
                java.util.Base64.getEncoder().encodeToString(TestPolicies.masterKeyMaterial()));
    }

    @AfterEach
    void tearDown() {
        client.close();
        direct.close();
    }

    @Test
    void shouldDecryptEveryClientSideModeAndFormatWrittenThroughTheProxy() throws IOException {
        Map<String, byte[]> written = new LinkedHashMap<>();
        written.put("local/single.bin", putThroughProxy("local/single.bin", 200_000 + 3));
        written.put("kms/single.bin", putThroughProxy("kms/single.bin", 150_000 + 5));
        written.put("s3ec-local/single.bin", putThroughProxy("s3ec-local/single.bin", 120_000 + 7));
        written.put("s3ec-kms/single.bin", putThroughProxy("s3ec-kms/single.bin", 100_000 + 9));
        byte[] multipart = random(5 * 1024 * 1024 + 70_001, 11);
        TwoPartUpload.upload(client, bucket, "local/multipart.bin", multipart, 5 * 1024 * 1024, b -> {});
        written.put("local/multipart.bin", multipart);

        for (Map.Entry<String, byte[]> object : written.entrySet()) {
            String key = object.getKey();
            Path body = downloadDirectly(key);
            Path output = dir.resolve("plain-" + key.replace('/', '-'));

            CliRun run = CliRun.with(
                    kmsProperties(),
                    "decrypt",
                    "--bucket",
                    bucket,
                    "--key",
                    key,
                    "--key-file",
                    keyFile.toString(),
                    "--metadata",
                    body + ".json",
                    "-o",
                    output.toString(),
                    body.toString());

            assertThat(run.exitCode()).as(key + ": " + run.err()).isZero();
            assertThat(Files.readAllBytes(output)).as(key).isEqualTo(object.getValue());
        }
        assertThat(headMetadata("local/multipart.bin")).containsKey("s3seal-m");
        assertThat(headMetadata("s3ec-kms/single.bin")).containsKey("x-amz-c");
    }

    @Test
    void shouldDecryptWithTheJarAsAScriptRunsIt() throws IOException {
        Path jar = Path.of("target", "s3seal.jar");
        assertThat(jar)
                .as("the jar: failsafe runs after package (./mvnw verify)")
                .exists();
        byte[] multipart = random(5 * 1024 * 1024 + 65_536, 13);
        TwoPartUpload.upload(client, bucket, "kms/multipart.bin", multipart, 5 * 1024 * 1024, b -> {});
        Path body = downloadDirectly("kms/multipart.bin");
        Path output = dir.resolve("plain.bin");
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "-jar",
                jar.toString(),
                "decrypt",
                "--bucket",
                bucket,
                "--key",
                "kms/multipart.bin",
                "--metadata",
                body + ".json",
                "--output",
                output.toString(),
                body.toString()));

        // KMS configuration from the proxy's environment variables, as in a pod
        Command.Result result = Command.run(kmsEnvironment(), Duration.ofSeconds(120), command);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("decrypted s3://" + bucket + "/kms/multipart.bin (s3seal multipart (2 parts)");
        assertThat(Files.readAllBytes(output)).isEqualTo(multipart);

        FileCommandsTest.flipByte(body, 5 * 1024 * 1024 + 1000);
        Command.Result tampered = Command.run(
                kmsEnvironment(),
                Duration.ofSeconds(120),
                replace(command, output.toString(), dir.resolve("tampered.bin").toString()));

        assertThat(tampered.exitCode()).as(tampered.output()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(tampered.output()).contains("s3seal decrypt: not authentic").doesNotContain("\tat ");
        assertThat(dir.resolve("tampered.bin")).doesNotExist();
    }

    @Test
    void shouldExitOneAndLeaveNoOutputForATamperedBody() throws IOException {
        for (String key : List.of("local/tampered.bin", "s3ec-kms/tampered.bin")) {
            putThroughProxy(key, 300_000);
            Path body = downloadDirectly(key);
            FileCommandsTest.flipByte(body, 150_000);

            CliRun run = CliRun.with(
                    kmsProperties(),
                    "decrypt",
                    "--bucket",
                    bucket,
                    "--key",
                    key,
                    "--key-file",
                    keyFile.toString(),
                    "--metadata",
                    body + ".json",
                    "-o",
                    dir.resolve("out.bin").toString(),
                    body.toString());

            assertThat(run.exitCode()).as(key).isEqualTo(ExitCodes.OBJECTS_FAILED);
            assertThat(run.err()).as(key).containsAnyOf("not authentic", "AUTHENTICATION_FAILED");
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).as(key).noneMatch(n -> n.contains("out.bin"));
            }
        }
    }

    @Test
    void shouldReadEncryptOutputUploadedDirectlyThroughTheProxy() throws IOException {
        byte[] data = random(400_000 + 1, 17);
        Path plaintext = Files.write(dir.resolve("upload.bin"), data);
        Map<String, List<String>> uploads = Map.of(
                "offline/local.bin", List.of("--key-file", keyFile.toString(), "--key-name", "master"),
                "kms/offline.bin", List.of("--kms-key-id", kmsKeyId),
                "s3ec-local/offline.bin", List.of("--format", "s3ec-v3", "--key-file", keyFile.toString()),
                "s3ec-kms/offline.bin", List.of("--format", "s3ec-v3", "--kms-key-id", kmsKeyId));

        for (Map.Entry<String, List<String>> upload : uploads.entrySet()) {
            String key = upload.getKey();
            Path body = dir.resolve(key.replace('/', '-') + ".enc");
            List<String> args =
                    new ArrayList<>(List.of("encrypt", "--bucket", bucket, "--key", key, "-o", body.toString()));
            args.addAll(upload.getValue());
            args.add(plaintext.toString());
            CliRun run = CliRun.with(kmsProperties(), args.toArray(String[]::new));
            assertThat(run.exitCode()).as(key + ": " + run.err()).isZero();
            Map<String, String> metadata = JSON.readValue(
                    Path.of(body + ".metadata.json").toFile(),
                    JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));

            direct.putObject(b -> b.bucket(bucket).key(key).metadata(metadata), RequestBody.fromFile(body));

            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .as(key)
                    .isEqualTo(data);
            assertThat(client.headObject(b -> b.bucket(bucket).key(key)).contentLength())
                    .as(key)
                    .isEqualTo(data.length);
        }
    }

    private byte[] putThroughProxy(String key, int size) {
        byte[] data = random(size, key.hashCode());
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        return data;
    }

    /** The stored body as a file, and next to it ({@code .json}) what {@code aws s3api head-object} prints. */
    private Path downloadDirectly(String key) throws IOException {
        Path body = dir.resolve("stored-" + key.replace('/', '-'));
        direct.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(body));
        HeadObjectResponse head = direct.headObject(b -> b.bucket(bucket).key(key));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("AcceptRanges", "bytes");
        json.put("ContentLength", head.contentLength());
        json.put("ETag", head.eTag());
        json.put("ContentType", head.contentType());
        json.put("Metadata", head.metadata());
        Files.writeString(Path.of(body + ".json"), JSON.writeValueAsString(json));
        return body;
    }

    private Map<String, String> headMetadata(String key) {
        return direct.headObject(b -> b.bucket(bucket).key(key)).metadata();
    }

    private static Map<String, String> kmsProperties() {
        return Map.of(
                "s3seal.kms.endpoint",
                MotoServer.get().endpoint().toString(),
                "s3seal.kms.region",
                MotoServer.REGION,
                "s3seal.kms.access-key-id",
                "test",
                "s3seal.kms.secret-access-key",
                "test");
    }

    private static Map<String, String> kmsEnvironment() {
        return Map.of(
                "S3SEAL_KMS_ENDPOINT",
                MotoServer.get().endpoint().toString(),
                "S3SEAL_KMS_REGION",
                MotoServer.REGION,
                "S3SEAL_KMS_ACCESS_KEY_ID",
                "test",
                "S3SEAL_KMS_SECRET_ACCESS_KEY",
                "test");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> replace(List<String> command, String from, String to) {
        return command.stream().map(arg -> arg.equals(from) ? to : arg).toList();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
