package dev.s3seal.policy.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.policy.Mode;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.Policy;
import dev.s3seal.policy.PolicyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyHolderTest {

    private static final Duration FAST = Duration.ofMillis(50);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private PolicyFileWatcher watcher;

    @AfterEach
    void stopWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private static String policy(Mode mode) {
        return "rules:\n  - name: default\n    mode: " + mode.yamlName() + "\n";
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "tmp", ".yaml");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("condition not met within " + DEADLINE)
                    .isLessThan(end);
            Thread.sleep(20);
        }
    }

    private PolicyHolder watched(Path file) {
        PolicyHolder holder = new PolicyHolder(file, Mode.PASSTHROUGH);
        watcher = new PolicyFileWatcher(holder, FAST);
        watcher.start();
        return holder;
    }

    @Test
    void shouldUseDefaultModeWhenNoFileIsConfigured() {
        PolicyHolder holder = new PolicyHolder(null, Mode.PASSTHROUGH);

        assertThat(holder.decide("p", "b", "k", Operation.WRITE).mode()).isEqualTo(Mode.PASSTHROUGH);
        assertThat(holder.file()).isEmpty();
        assertThat(holder.reloadIfChanged()).isFalse();
    }

    @Test
    void shouldFailStartupWithOneLineWhenFileIsBad() throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "rules:\n  - name: r\n    mode: sse-kms\n");

        assertThatThrownBy(() -> new PolicyHolder(file, Mode.PASSTHROUGH))
                .isInstanceOf(PolicyException.class)
                .hasMessage(file + ":2: rule 'r' (mode sse-kms) needs 'key', the name of a kms key defined under keys");
        assertThatThrownBy(() -> new PolicyHolder(dir.resolve("missing.yaml"), Mode.PASSTHROUGH))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("cannot read policy file");
    }

    @Test
    void shouldApplyValidChangeWhenFileChanges() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, policy(Mode.SSE_S3));
        PolicyHolder holder = watched(file);
        assertThat(holder.decide("p", "b", "k", Operation.WRITE).mode()).isEqualTo(Mode.SSE_S3);

        write(file, policy(Mode.DENY));

        // Wait on the counter, which the reload bumps after swapping the policy in: waiting on the
        // policy and then reading the counter races with the watcher thread between the two.
        await(() -> holder.reloadSuccesses() == 1);
        assertThat(holder.decide("p", "b", "k", Operation.WRITE).mode()).isEqualTo(Mode.DENY);
        assertThat(holder.reloadFailures()).isZero();
    }

    @Test
    void shouldKeepLastGoodPolicyWhenChangeIsBad() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, policy(Mode.SSE_S3));
        PolicyHolder holder = watched(file);

        write(file, "rules:\n  - name: default\n    mode: sse-kms\n");

        await(() -> holder.reloadFailures() == 1);
        assertThat(holder.decide("p", "b", "k", Operation.READ).mode()).isEqualTo(Mode.SSE_S3);
        assertThat(holder.lastReloadError())
                .hasValueSatisfying(m -> assertThat(m).startsWith(file + ":2: "));
        Thread.sleep(FAST.toMillis() * 4);
        assertThat(holder.reloadFailures()).as("one bad content counts once").isEqualTo(1);

        write(file, policy(Mode.PASSTHROUGH));
        await(() -> holder.reloadSuccesses() == 1);
        assertThat(holder.policy().defaultRule().mode()).isEqualTo(Mode.PASSTHROUGH);
        assertThat(holder.lastReloadError()).isEmpty();
    }

    @Test
    void shouldKeepPolicyWhenFileDisappears() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, policy(Mode.SSE_S3));
        PolicyHolder holder = new PolicyHolder(file, Mode.PASSTHROUGH);

        Files.delete(file);

        assertThat(holder.reloadIfChanged()).isFalse();
        assertThat(holder.reloadFailures()).isEqualTo(1);
        assertThat(holder.policy().defaultRule().mode()).isEqualTo(Mode.SSE_S3);
        Files.writeString(file, policy(Mode.SSE_S3));
        assertThat(holder.reloadIfChanged()).isTrue();
    }

    @Test
    void shouldNotReloadWhenContentIsUnchanged() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, policy(Mode.SSE_S3));
        PolicyHolder holder = new PolicyHolder(file, Mode.PASSTHROUGH);
        Policy before = holder.policy();

        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));

        assertThat(holder.reloadIfChanged()).isFalse();
        assertThat(holder.policy()).isSameAs(before);
        assertThat(holder.reloadSuccesses()).isZero();
    }

    /** Kubernetes mounts policy.yaml -> ..data/policy.yaml, ..data -> ..2024_01_01; updates retarget ..data. */
    @Test
    void shouldPickUpChangeWhenConfigMapSymlinkIsSwapped() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2024_01_01"));
        Files.writeString(v1.resolve("policy.yaml"), policy(Mode.SSE_S3));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path file = dir.resolve("policy.yaml");
        Files.createSymbolicLink(file, Path.of("..data", "policy.yaml"));
        PolicyHolder holder = watched(file);
        assertThat(holder.policy().defaultRule().mode()).isEqualTo(Mode.SSE_S3);

        Path v2 = Files.createDirectory(dir.resolve("..2024_01_02"));
        Files.writeString(v2.resolve("policy.yaml"), policy(Mode.DENY));
        Files.setLastModifiedTime(v2.resolve("policy.yaml"), Files.getLastModifiedTime(v1.resolve("policy.yaml")));
        Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.readString(file)).contains("deny");

        await(() -> holder.reloadSuccesses() == 1); // bumped after the swap, see shouldApplyValidChangeWhenFileChanges
        assertThat(holder.policy().defaultRule().mode()).isEqualTo(Mode.DENY);
    }

    @Test
    void shouldDoNothingWhenWatcherHasNoFile() {
        watcher = new PolicyFileWatcher(new PolicyHolder(null, Mode.PASSTHROUGH), FAST);
        watcher.start();

        assertThat(watcher.running()).isFalse();
    }
}
