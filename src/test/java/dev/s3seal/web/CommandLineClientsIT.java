package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.FileTrees;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line clients people really use, unchanged but for the endpoint: the Python AWS CLI,
 * s3cmd and rclone, each uploading, listing, syncing and downloading through s3seal.
 */
class CommandLineClientsIT extends ProxyIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path workDir;

    private Path source;
    private String bucket;

    @BeforeEach
    void files() throws IOException {
        bucket = newBucket();
        source = FileTrees.writeRandomFiles(workDir.resolve("src"), 42, "f", 0, 1, 65_535, 65_537, 6 * 1024 * 1024);
        FileTrees.writeText(source.resolve("nested dir/hello wörld+1.txt"), "hello through s3seal\n");
    }

    @Test
    void shouldCopySyncAndListWithAwsCli() throws IOException {
        aws("s3", "cp", source.resolve("f65537.bin").toString(), "s3://" + bucket + "/single/f65537.bin");
        aws("s3", "sync", source.toString(), "s3://" + bucket + "/synced/");
        String listing = aws("s3", "ls", "--recursive", "s3://" + bucket + "/").output();
        assertThat(listing).contains("synced/f6291456.bin", "synced/nested dir/hello wörld+1.txt", "single/f65537.bin");
        String secondSync = aws("s3", "sync", source.toString(), "s3://" + bucket + "/synced/")
                .output();
        assertThat(secondSync).as("second sync transfers nothing").doesNotContain("upload:");

        Path back = workDir.resolve("back");
        aws("s3", "sync", "s3://" + bucket + "/synced/", back.toString());
        FileTrees.assertSameTree(source, back);

        String head = aws("s3api", "head-object", "--bucket", bucket, "--key", "synced/f65535.bin")
                .output();
        assertThat(head).contains("\"ContentLength\": 65535");
        Path range = workDir.resolve("range.bin");
        aws(
                "s3api",
                "get-object",
                "--bucket",
                bucket,
                "--key",
                "synced/f65537.bin",
                "--range",
                "bytes=100-199",
                range.toString());
        byte[] whole = Files.readAllBytes(source.resolve("f65537.bin"));
        assertThat(Files.readAllBytes(range)).isEqualTo(java.util.Arrays.copyOfRange(whole, 100, 200));
        aws(
                "s3api",
                "copy-object",
                "--bucket",
                bucket,
                "--key",
                "copied/f65537.bin",
                "--copy-source",
                bucket + "/single/f65537.bin");
        assertThat(aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "copied/")
                        .output())
                .contains("copied/f65537.bin", "\"Size\": 65537");
        aws("s3", "rm", "s3://" + bucket + "/single/f65537.bin");
        assertThat(aws("s3", "ls", "s3://" + bucket + "/single/").exitCode()).isNotZero();
    }

    @Test
    void shouldPutGetAndSyncWithS3cmd() throws IOException {
        s3cmd("put", source.resolve("f6291456.bin").toString(), "s3://" + bucket + "/one/f6291456.bin");
        s3cmd("sync", source + "/", "s3://" + bucket + "/tree/");
        Path back = workDir.resolve("back");
        Files.createDirectories(back);
        s3cmd("sync", "s3://" + bucket + "/tree/", back + "/");
        FileTrees.assertSameTree(source, back);
        Path single = workDir.resolve("single.bin");
        s3cmd("get", "s3://" + bucket + "/one/f6291456.bin", single.toString());
        assertThat(Files.mismatch(single, source.resolve("f6291456.bin"))).isEqualTo(-1L);
    }

    @Test
    void shouldSyncAndCheckWithRclone() throws IOException {
        rclone("sync", source.toString(), "s3seal:" + bucket + "/tree");
        String check =
                rclone("check", source.toString(), "s3seal:" + bucket + "/tree").output();
        assertThat(check).contains("0 differences found");
        String second = rclone("sync", "-v", source.toString(), "s3seal:" + bucket + "/tree")
                .output();
        assertThat(second).as("second sync transfers nothing").doesNotContain("Copied (new)", "Copied (replaced");
        Path back = workDir.resolve("back");
        rclone("copy", "s3seal:" + bucket + "/tree", back.toString());
        FileTrees.assertSameTree(source, back);
    }

    /** {@code aws s3 ls} of an emptied prefix exits non-zero; the test checks that itself. */
    private Command.Result aws(String... args) {
        CliClients cli = new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir);
        return args[0].equals("s3") && args[1].equals("ls") ? cli.awsAllowingFailure(args) : cli.aws(args);
    }

    private Command.Result s3cmd(String... args) {
        return new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir).s3cmd(args);
    }

    private Command.Result rclone(String... args) {
        return new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir).rclone(args);
    }
}
