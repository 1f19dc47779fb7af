package dev.s3seal.policy;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.s3seal.policy.file.PolicyFileWatcher;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.testsupport.LogCapture;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The running proxy's policy file is replaced by garbage, then deleted: the last good policy stays in
 * force (reads keep working, writes are still encrypted by it), each bad state is logged once and
 * counted in {@code s3seal_policy_reloads_total{result="failed"}} however often the watcher looks,
 * and a good file is picked up again without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first test counts reloads from zero
class PolicyFileFaultsIT extends ProxyIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Autowired
    PolicyHolder policy;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @Test
    @Order(1)
    void shouldKeepTheLastGoodPolicyAndLogOnceWhenThePolicyFileIsGarbageOrDeleted() throws Exception {
        Path file = policy.file().orElseThrow();
        byte[] good = Files.readAllBytes(file);
        String bucket = newBucket();
        byte[] data = random(100_000, 1);
        try (S3Client client = alice();
                LogCapture logs = LogCapture.attach()) {
            client.putObject(b -> b.bucket(bucket).key("docs/before"), RequestBody.fromBytes(data));

            Files.write(file, random(4096, 2)); // binary garbage
            awaitFailedReloads(1);
            keepsServing(client, bucket, data, "docs/during-garbage");
            Files.writeString(file, "rules:\n  - name: default\n    mode: [not, a, mode\n"); // broken YAML
            awaitFailedReloads(2);
            keepsServing(client, bucket, data, "docs/during-broken-yaml");

            Files.delete(file);
            awaitFailedReloads(3);
            keepsServing(client, bucket, data, "docs/during-deleted");
            Thread.sleep(2 * PolicyFileWatcher.DEFAULT_INTERVAL.toMillis()); // the watcher looks again meanwhile

            assertThat(logs.messages().stream().filter(m -> m.startsWith("policy reload refused")))
                    .as("each bad state is logged once")
                    .hasSize(3);
            assertThat(metric("result=\"failed\"")).isEqualTo(3);

            Files.write(file, good);
            awaitMetric("result=\"ok\"", 1);
            keepsServing(client, bucket, data, "docs/after");
        }
    }

    /**
     * A valid policy that points the rule at another key keeps every object readable (the old key is
     * still defined). A valid policy that no longer defines the key objects were written under is
     * applied, not refused: removing a local key version is how a key is retired and objects are
     * crypto-shredded on purpose (docs/rotation.md). Those objects are then refused with 403
     * AccessDenied, never served wrong, and read again once the key is back.
     */
    @Test
    @Order(2)
    void shouldKeepObjectsReadableWhenTheRuleMovesToAnotherKeyAndRefuseThemWhileTheirKeyIsRemoved() throws Exception {
        Path file = policy.file().orElseThrow();
        String good = Files.readString(file);
        Path otherKey = Files.createTempFile(file.getParent(), "other", ".key");
        Files.writeString(otherKey, java.util.Base64.getEncoder().encodeToString(random(32, 7)));
        String otherDefinition =
                "keys:\n  other:\n    type: local\n    versions:\n      - version: 1\n        file: " + otherKey + "\n";
        String moved = good.replace("keys:\n", otherDefinition).replace("    key: master\n", "    key: other\n");
        String removed = moved.replaceAll("(?s)  master:\n.*?(?=  kms-main:)", "");
        assertThat(removed).doesNotContain("master");
        String bucket = newBucket();
        byte[] data = random(100_000, 3);
        double ok = metric("result=\"ok\"");
        double failed = metric("result=\"failed\"");
        try (S3Client client = alice()) {
            client.putObject(b -> b.bucket(bucket).key("docs/under-master"), RequestBody.fromBytes(data));

            Files.writeString(file, moved);
            awaitMetric("result=\"ok\"", ok + 1);
            client.putObject(b -> b.bucket(bucket).key("docs/under-other"), RequestBody.fromBytes(data));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/under-master"))
                            .asByteArray())
                    .isEqualTo(data);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/under-other"))
                            .asByteArray())
                    .isEqualTo(data);

            Files.writeString(file, removed);
            awaitMetric("result=\"ok\"", ok + 2);
            S3Exception refused = (S3Exception) catchThrowable(
                    () -> client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/under-master")));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/under-other"))
                            .asByteArray())
                    .isEqualTo(data);

            Files.writeString(file, moved);
            awaitMetric("result=\"ok\"", ok + 3);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/under-master"))
                            .asByteArray())
                    .isEqualTo(data);
            // back to the first policy in two steps: a policy in force may not lose the key it writes with
            Files.writeString(file, good.replace("keys:\n", otherDefinition));
            awaitMetric("result=\"ok\"", ok + 4);
            Files.writeString(file, good);
            awaitMetric("result=\"ok\"", ok + 5);
            assertThat(metric("result=\"failed\""))
                    .as("none of these is a failed reload")
                    .isEqualTo(failed);
        } finally {
            Files.writeString(file, good);
        }
    }

    @Test
    void shouldRefuseAPolicyThatDropsTheKeyInUseAndKeepServingUnderTheLastGoodOne() throws Exception {
        Path file = policy.file().orElseThrow();
        String good = Files.readString(file);
        Path otherKey = Files.createTempFile(file.getParent(), "other", ".key");
        Files.writeString(otherKey, java.util.Base64.getEncoder().encodeToString(random(32, 8)));
        String otherDefinition =
                "keys:\n  other:\n    type: local\n    versions:\n      - version: 1\n        file: " + otherKey + "\n";
        // one step: the rules move to another key and the key they wrote with is gone
        String swapped = good.replace("keys:\n", otherDefinition)
                .replace("    key: master\n", "    key: other\n")
                .replaceAll("(?s)  master:\n.*?(?=  kms-main:)", "");
        assertThat(swapped).doesNotContain("master");
        String bucket = newBucket();
        byte[] data = random(100_000, 4);
        double ok = metric("result=\"ok\"");
        double failed = metric("result=\"failed\"");
        try (S3Client client = alice()) {
            client.putObject(b -> b.bucket(bucket).key("docs/before"), RequestBody.fromBytes(data));

            Files.writeString(file, swapped);
            awaitMetric("result=\"failed\"", failed + 1);

            keepsServing(client, bucket, data, "docs/after-refused-swap");
            assertThat(metric("result=\"ok\"")).isEqualTo(ok);
            Thread.sleep(2500); // more polls of the same refused file
            assertThat(metric("result=\"failed\"")).as("counted once").isEqualTo(failed + 1);
        } finally {
            Files.writeString(file, good);
        }
    }

    /** Reads work and a write is still encrypted under the last good policy (cse-local under docs/). */
    private void keepsServing(S3Client client, String bucket, byte[] data, String newKey) throws IOException {
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/before"))
                        .asByteArray())
                .isEqualTo(data);
        client.putObject(b -> b.bucket(bucket).key(newKey), RequestBody.fromBytes(data));
        byte[] atRest = Files.readAllBytes(store().objectPath(bucket, newKey));
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(newKey)).asByteArray())
                .isEqualTo(data);
    }

    private void awaitFailedReloads(long expected) throws Exception {
        awaitMetric("result=\"failed\"", expected);
    }

    private void awaitMetric(String tag, double expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        double last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = metric(tag);
            if (last == expected) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(last).as("s3seal_policy_reloads_total{%s}", tag).isEqualTo(expected);
    }

    private double metric(String tag) throws Exception {
        String scrape = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return scrape.lines()
                .filter(l -> l.startsWith("s3seal_policy_reloads_total") && l.contains(tag))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
