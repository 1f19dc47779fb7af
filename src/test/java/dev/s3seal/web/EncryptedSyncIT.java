package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.FileTrees;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * `aws s3 sync` and `s3cmd sync` through s3seal under cse-local: sizes (and, for s3cmd, ETags) in
 * listings are the plaintext's, so the second sync transfers nothing, and every stored object is
 * ciphertext. (rclone's twice-run sync and check are in EncryptedEtagIT.)
 */
class EncryptedSyncIT extends ProxyIntegrationTest {

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("s3seal-sync-policy");
        Path key = dir.resolve("master-v1.key");
        byte[] material = new byte[32];
        new Random(5).nextBytes(material);
        Files.writeString(key, java.util.Base64.getEncoder().encodeToString(material));
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "keys:",
                        "  master:",
                        "    type: local",
                        "    versions:",
                        "      - version: 1",
                        "        file: " + key,
                        "rules:",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master",
                        ""));
        registry.add("s3seal.policy", policy::toString);
    }

    @TempDir
    Path workDir;

    @Test
    void shouldSyncTwiceWithoutTransfersAndStoreCiphertext() throws IOException {
        String bucket = newBucket();
        Path source = FileTrees.writeRandomFiles(workDir.resolve("src"), 11, "f", 0, 1, 65_536, 9 * 1024 * 1024 + 3);
        aws("s3", "sync", source.toString(), "s3://" + bucket + "/tree/");
        String second = aws("s3", "sync", source.toString(), "s3://" + bucket + "/tree/")
                .output();
        assertThat(second).as("second sync transfers nothing").doesNotContain("upload:");
        String listing = aws("s3", "ls", "s3://" + bucket + "/tree/").output();
        assertThat(listing).contains(" 9437187 f9437187.bin", " 65536 f65536.bin");

        Path back = workDir.resolve("back");
        aws("s3", "sync", "s3://" + bucket + "/tree/", back.toString());
        FileTrees.assertSameTree(source, back);
        for (String name : new String[] {"f1.bin", "f65536.bin", "f9437187.bin"}) {
            byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "tree/" + name));
            assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                    .as(name)
                    .isEqualTo("S3SL");
        }
    }

    @Test
    void shouldSyncTwiceWithS3cmdWithoutTransfers() throws IOException {
        String bucket = newBucket();
        // 16 MiB + 5: over s3cmd's 15 MiB multipart threshold, so one object is uploaded in parts
        Path source =
                FileTrees.writeRandomFiles(workDir.resolve("s3cmd-src"), 12, "g", 0, 1, 65_537, 16 * 1024 * 1024 + 5);
        CliClients cli = new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir);
        cli.s3cmd("sync", source + "/", "s3://" + bucket + "/s3cmd/");
        String second =
                cli.s3cmd("sync", source + "/", "s3://" + bucket + "/s3cmd/").output();
        assertThat(second).as("second sync transfers nothing").doesNotContain("upload:", "->");
        Path back = Files.createDirectories(workDir.resolve("s3cmd-back"));
        cli.s3cmd("sync", "s3://" + bucket + "/s3cmd/", back + "/");
        FileTrees.assertSameTree(source, back);
        String third =
                cli.s3cmd("sync", "s3://" + bucket + "/s3cmd/", back + "/").output();
        assertThat(third).as("second download transfers nothing").doesNotContain("download:", "->");
        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "s3cmd/g65537.bin"));
        assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("S3SL");
    }

    private Command.Result aws(String... args) {
        return new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir).aws(args);
    }
}
