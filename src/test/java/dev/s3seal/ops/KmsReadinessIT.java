package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * KMS outage under cse-kms: writes that need a new data key answer 503 SlowDown (SDKs retry it),
 * readiness goes DOWN, and comes back UP once KMS answers again.
 */
class KmsReadinessIT extends ProxyIntegrationTest {

    private static final String ALIAS =
            "s3seal-ready-" + UUID.randomUUID().toString().substring(0, 8);

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        MotoServer moto = MotoServer.get();
        moto.createKey(ALIAS);
        Path policy = Files.createTempFile("s3seal-kms-ready", ".yaml");
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "keys:",
                        "  kms-main:",
                        "    type: kms",
                        "    key-id: alias/" + ALIAS,
                        "rules:",
                        "  - name: default",
                        "    mode: cse-kms",
                        "    key: kms-main",
                        ""));
        registry.add("s3seal.policy", policy::toString);
        registry.add("s3seal.kms.endpoint", () -> moto.endpoint().toString());
        registry.add("s3seal.kms.region", () -> MotoServer.REGION);
        registry.add("s3seal.kms.access-key-id", () -> "test");
        registry.add("s3seal.kms.secret-access-key", () -> "test");
    }

    @Test
    void shouldAnswerSlowDownAndTurnNotReadyWhileKmsIsDown() throws Exception {
        MotoServer moto = MotoServer.get();
        String metricsBefore = get("/actuator/prometheus");
        String after = newBucket();
        try (S3Client client = alice()) {
            String before = newBucket();
            client.putObject(b -> b.bucket(before).key("k"), RequestBody.fromString("kms is up"));
            assertThat(status("/actuator/health/readiness")).isEqualTo(200);

            moto.stop();
            try {
                // a new bucket needs a new key-encryption key from KMS
                String during = newBucket();
                assertThatThrownBy(() -> client.putObject(b -> b.bucket(during).key("k"), RequestBody.fromString("x")))
                        .isInstanceOfSatisfying(S3Exception.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(503);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                        });
                awaitStatus("/actuator/health/readiness", 503);
                assertThat(status("/actuator/health/liveness")).isEqualTo(200);
            } finally {
                moto.restart();
                moto.createKey(ALIAS); // moto keeps keys in memory: the restarted one has none
            }
            client.putObject(b -> b.bucket(after).key("k"), RequestBody.fromString("kms is back"));
            awaitStatus("/actuator/health/readiness", 200);
            assertThat(client.getObjectAsBytes(b -> b.bucket(after).key("k")).asUtf8String())
                    .isEqualTo("kms is back");
        }
        String metrics = get("/actuator/prometheus");
        assertThat(value(metrics, "s3seal_crypto_bytes_total", "direction=\"encrypt\"")
                        - value(metricsBefore, "s3seal_crypto_bytes_total", "direction=\"encrypt\""))
                .as("plaintext bytes encrypted")
                .isGreaterThanOrEqualTo("kms is upkms is back".length());
        assertThat(value(metrics, "s3seal_crypto_bytes_total", "direction=\"decrypt\"")
                        - value(metricsBefore, "s3seal_crypto_bytes_total", "direction=\"decrypt\""))
                .as("plaintext bytes decrypted")
                .isGreaterThanOrEqualTo("kms is back".length());
        assertThat(count(metrics, "operation=\"GenerateDataKey\",outcome=\"ok\""))
                .as("calls that worked")
                .isGreaterThanOrEqualTo(2);
        assertThat(count(metrics, "operation=\"GenerateDataKey\",outcome=\"error\""))
                .as("calls while KMS was down")
                .isGreaterThanOrEqualTo(1);
    }

    /** The value of {@code s3seal_kms_calls_seconds_count} with these tags, 0 when absent. */
    private static double count(String metrics, String tags) {
        return value(metrics, "s3seal_kms_calls_seconds_count", tags);
    }

    /** The sum of {@code name}'s series with these tags in a Prometheus scrape, 0 when absent. */
    private static double value(String metrics, String name, String tags) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(tags))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private String get(String path) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private void awaitStatus(String path, int expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = status(path);
            if (last == expected) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(last).as(path).isEqualTo(expected);
    }

    private int status(String path) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
