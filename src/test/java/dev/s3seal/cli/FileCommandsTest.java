package dev.s3seal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.keys.local.LocalKeyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * keygen, encrypt and decrypt on files with a local key file (KMS and objects written by the proxy:
 * {@code OfflineDecryptIT}): round trips, and every failure exits with its code and leaves no output.
 */
class FileCommandsTest {

    @TempDir
    Path dir;

    private Path keyFile;
    private Path plaintext;
    private byte[] data;

    @BeforeEach
    void setUp() throws IOException {
        keyFile = dir.resolve("keys/master-v1.key");
        assertThat(CliRun.of("keygen", keyFile.toString()).exitCode()).isZero();
        data = new byte[300_000 + 17];
        new Random(7).nextBytes(data);
        plaintext = Files.write(dir.resolve("plain.bin"), data);
    }

    @Test
    void shouldCreateAnOwnerOnlyKeyFileThatTheLocalKeyProviderLoads() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        try (LocalKeyFile loaded = LocalKeyFile.read(keyFile, "master", "1")) {
            assertThat(loaded.s3ecKey().getEncoded()).hasSize(32);
        }
    }

    @Test
    void shouldPrintTheSecretAndPolicySnippetAfterKeygen() {
        CliRun run = CliRun.of(
                "keygen",
                "--name",
                "orders",
                "--key-version",
                "2",
                dir.resolve("orders-v2.key").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("kubectl -n s3seal create secret generic s3seal-master-keys")
                .contains("--from-file=orders-v2=")
                .contains("existingSecret: s3seal-master-keys")
                .contains("{version: 2, file: /etc/s3seal/keys/orders-v2}")
                .contains("active-version: 2")
                .contains("key: orders");
    }

    @Test
    void shouldRefuseToOverwriteAnExistingKeyFile() throws IOException {
        byte[] before = Files.readAllBytes(keyFile);

        CliRun run = CliRun.of("keygen", keyFile.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("exists; refusing to overwrite");
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3seal", "s3ec-v3"})
    void shouldRoundTripAFileThroughEncryptAndDecrypt(String format) throws IOException {
        encrypt(format, "b", "dir/object.bin");

        CliRun run = decrypt("b", "dir/object.bin", "out.bin");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(data);
    }

    @Test
    void shouldRefuseTheWrappedKeyUnderAnotherObjectName() throws IOException {
        encrypt("s3seal", "b", "dir/object.bin");

        CliRun run = decrypt("b", "dir/other.bin", "out.bin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(run.err()).contains("cannot get the data key (INVALID_CIPHERTEXT)");
        assertNoOutput();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3seal", "s3ec-v3"})
    void shouldExitOneAndLeaveNoOutputWhenTheLastByteIsTampered(String format) throws IOException {
        encrypt(format, "b", "k");
        flipByte(dir.resolve("enc.bin"), Files.size(dir.resolve("enc.bin")) - 1);

        CliRun run = decrypt("b", "k", "out.bin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(run.err())
                .containsAnyOf("not authentic", "AUTHENTICATION_FAILED")
                .doesNotContain("\n\tat ");
        assertNoOutput();
    }

    @Test
    void shouldExitOneWhenTheBodyIsTruncated() throws IOException {
        encrypt("s3seal", "b", "k");
        Path body = dir.resolve("enc.bin");
        Files.write(body, java.util.Arrays.copyOf(Files.readAllBytes(body), (int) Files.size(body) - 100));

        CliRun run = decrypt("b", "k", "out.bin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(run.err()).contains("TRUNCATED");
        assertNoOutput();
    }

    @Test
    void shouldCheckTheContentLengthOfHeadObjectOutput() throws IOException {
        encrypt("s3seal", "b", "k");
        String metadata = Files.readString(dir.resolve("enc.bin.metadata.json"));
        Files.writeString(
                dir.resolve("head.json"),
                "{\"ContentLength\": 12, \"ETag\": \"\\\"abc\\\"\", \"Metadata\": " + metadata + "}");

        CliRun run = CliRun.of(
                "decrypt",
                "--bucket",
                "b",
                "--key",
                "k",
                "--key-file",
                keyFile.toString(),
                "--metadata",
                dir.resolve("head.json").toString(),
                "-o",
                dir.resolve("out.bin").toString(),
                dir.resolve("enc.bin").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(run.err()).contains("ContentLength is 12");
        assertNoOutput();
    }

    @Test
    void shouldAcceptMetadataNamesWithTheHeaderPrefixInAnyCase() throws IOException {
        encrypt("s3seal", "b", "k");
        Path metadata = dir.resolve("enc.bin.metadata.json");
        Files.writeString(metadata, Files.readString(metadata).replace("\"s3seal-", "\"X-Amz-Meta-S3seal-"));

        CliRun run = decrypt("b", "k", "out.bin");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(data);
    }

    @Test
    void shouldExitTwoForMetadataThatIsNotJson() throws IOException {
        encrypt("s3seal", "b", "k");
        Files.writeString(dir.resolve("enc.bin.metadata.json"), "s3seal-v: 1");

        CliRun run = decrypt("b", "k", "out.bin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("is not valid JSON");
    }

    @Test
    void shouldExitOneForAnObjectWithoutEncryptionMetadata() throws IOException {
        encrypt("s3seal", "b", "k");
        Files.writeString(dir.resolve("enc.bin.metadata.json"), "{\"owner\": \"me\"}");

        CliRun run = decrypt("b", "k", "out.bin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OBJECTS_FAILED);
        assertThat(run.err()).contains("neither s3seal's entries");
    }

    @Test
    void shouldExitTwoWhenTheKeyFileIsMissing() throws IOException {
        encrypt("s3seal", "b", "k");

        CliRun run = CliRun.of(
                "decrypt",
                "--bucket",
                "b",
                "--key",
                "k",
                "--metadata",
                dir.resolve("enc.bin.metadata.json").toString(),
                "-o",
                dir.resolve("out.bin").toString(),
                dir.resolve("enc.bin").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("wrapped by local master key master version 1; give its file with --key-file");
    }

    @Test
    void shouldNotReplaceAnExistingOutputWithoutForce() throws IOException {
        encrypt("s3seal", "b", "k");
        Files.writeString(dir.resolve("out.bin"), "keep me");

        CliRun refused = decrypt("b", "k", "out.bin");
        CliRun forced = CliRun.of(
                "decrypt",
                "--force",
                "--bucket",
                "b",
                "--key",
                "k",
                "--key-file",
                keyFile.toString(),
                "--metadata",
                dir.resolve("enc.bin.metadata.json").toString(),
                "-o",
                dir.resolve("out.bin").toString(),
                dir.resolve("enc.bin").toString());

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("exists");
        assertThat(forced.exitCode()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(data);
    }

    @Test
    void shouldRequireExactlyOneKeySourceToEncrypt() {
        CliRun run = CliRun.of(
                "encrypt",
                "--bucket",
                "b",
                "--key",
                "k",
                "-o",
                dir.resolve("enc.bin").toString(),
                plaintext.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("exactly one of --key-file and --kms-key-id");
    }

    private void encrypt(String format, String bucket, String key) {
        CliRun run = CliRun.of(
                "encrypt",
                "--format",
                format,
                "--bucket",
                bucket,
                "--key",
                key,
                "--key-file",
                keyFile.toString(),
                "--key-name",
                "master",
                "-o",
                dir.resolve("enc.bin").toString(),
                plaintext.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private CliRun decrypt(String bucket, String key, String output) {
        return CliRun.of(
                "decrypt",
                "--bucket",
                bucket,
                "--key",
                key,
                "--key-file",
                keyFile.toString(),
                "--metadata",
                dir.resolve("enc.bin.metadata.json").toString(),
                "-o",
                dir.resolve(output).toString(),
                dir.resolve("enc.bin").toString());
    }

    /** Neither the output nor a temporary file of it is left in the directory. */
    private void assertNoOutput() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains("out.bin"));
        }
    }

    static void flipByte(Path file, long position) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) position] ^= 0x01;
        Files.write(file, bytes);
    }
}
