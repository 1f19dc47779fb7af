package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.ProxyIntegrationTest;

/**
 * `aws s3 sync` through s3seal under cse-local: sizes in listings are plaintext sizes, so the second
 * sync transfers nothing, and every stored object is ciphertext.
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
        Files.writeString(policy, String.join("\n", "keys:", "  master:", "    type: local", "    versions:",
                "      - version: 1", "        file: " + key, "rules:", "  - name: default", "    mode: cse-local",
                "    key: master", ""));
        registry.add("s3seal.policy", policy::toString);
    }

    @TempDir
    Path workDir;

    @Test
    void shouldSyncTwiceWithoutTransfersAndStoreCiphertext() throws IOException {
        String bucket = newBucket();
        Path source = Files.createDirectories(workDir.resolve("src"));
        Random random = new Random(11);
        for (int size : new int[] {0, 1, 65_536, 9 * 1024 * 1024 + 3}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Files.write(source.resolve("f" + size + ".bin"), data);
        }
        aws("s3", "sync", source.toString(), "s3://" + bucket + "/tree/");
        String second = aws("s3", "sync", source.toString(), "s3://" + bucket + "/tree/").output();
        assertThat(second).as("second sync transfers nothing").doesNotContain("upload:");
        String listing = aws("s3", "ls", "s3://" + bucket + "/tree/").output();
        assertThat(listing).contains(" 9437187 f9437187.bin", " 65536 f65536.bin");

        Path back = workDir.resolve("back");
        aws("s3", "sync", "s3://" + bucket + "/tree/", back.toString());
        CommandLineClientsIT.assertSameTree(source, back);
        for (String name : new String[] {"f1.bin", "f65536.bin", "f9437187.bin"}) {
            byte[] atRest = Files.readAllBytes(store().objectPath(bucket, "tree/" + name));
            assertThat(new String(atRest, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).as(name).isEqualTo("S3SL");
        }
    }

    private Command.Result aws(String... args) {
        return new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir).aws(args);
    }

}
