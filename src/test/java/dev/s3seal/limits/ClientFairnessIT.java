package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.SlowUpload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One client's slow uploads cannot starve another client. The upstream pool is shrunk to three
 * connections and each slow upload pins one while it streams, so without a per-client cap alice's
 * four stalled uploads would take the whole pool and bob would wait for a connection until the
 * acquire timeout (503). With a cap of two, alice's uploads beyond it get SlowDown at once and bob's
 * requests are all served. Outcomes only: who was served, who was refused, what was stored.
 */
@TestPropertySource(
        properties = {
            "s3seal.limits.max-concurrent-requests-per-client=2",
            // the held uploads must outlive the test; the idle deadline has its own test
            "s3seal.limits.body-idle-timeout=10m",
            "s3seal.upstream.max-connections=3",
            "s3seal.upstream.pending-acquire-timeout=5s",
            "s3seal.ops.upstream-probe-interval=0"
        })
class ClientFairnessIT extends ProxyIntegrationTest {

    private static final int LARGE = 10 * 1024 * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalManagementPort
    int managementPort;

    @Test
    void shouldServeOtherClientWhenOneClientHoldsMoreSlowUploadsThanItsCap() throws Exception {
        String bucket = newBucket();
        ensureBobBucket();
        List<SlowUpload> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                uploads.add(
                        SlowUpload.start(endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/slow-" + i, LARGE, 1));
            }

            List<RawHttp.Response> refused = awaitAnswers(uploads, 2);
            assertThat(refused).as("the uploads beyond alice's cap").hasSize(2).allSatisfy(response -> {
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.errorCode()).isEqualTo("SlowDown");
                assertThat(response.headers()).containsKey("retry-after");
            });

            try (S3Client bob = S3Clients.sync(endpoint(), BOB_KEY, BOB_SECRET)) {
                for (int i = 0; i < 5; i++) {
                    String key = "fair-" + i;
                    byte[] data = ("bob's object " + i).getBytes(StandardCharsets.UTF_8);
                    bob.putObject(b -> b.bucket(BOB_BUCKET).key(key), RequestBody.fromBytes(data));
                    assertThat(bob.getObjectAsBytes(b -> b.bucket(BOB_BUCKET).key(key))
                                    .asByteArray())
                            .isEqualTo(data);
                }
            }
            assertThat(uploads.stream().filter(upload -> !upload.response().isDone()))
                    .as("alice's two uploads within her cap are still in flight")
                    .hasSize(2);
        } finally {
            for (SlowUpload upload : uploads) {
                upload.close();
            }
        }

        assertThat(putEventually(bucket, "after"))
                .as("alice's permits came back when her uploads went away")
                .isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(Files.exists(store().objectPath(bucket, "slow-" + i)))
                    .as("slow-" + i + " stored")
                    .isFalse();
        }
        assertThat(scrape())
                .anyMatch(line -> line.startsWith("s3seal_limited_total{")
                        && line.contains("client=\"alice\"")
                        && line.contains("limit=\"client-concurrency\"")
                        && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 2);
    }

    /** The first {@code count} answers among the uploads (the held ones never answer). */
    private static List<RawHttp.Response> awaitAnswers(List<SlowUpload> uploads, int count) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (uploads.stream().filter(u -> u.response().isDone()).count() < count
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        List<RawHttp.Response> answers = new ArrayList<>();
        for (SlowUpload upload : uploads) {
            if (upload.response().isDone()) {
                answers.add(upload.response().get());
            }
        }
        return answers;
    }

    /** Alice's permits are released when s3seal sees her connections close; wait for that outcome. */
    private boolean putEventually(String bucket, String key) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        try (S3Client alice = alice()) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    alice.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("again"));
                    return true;
                } catch (software.amazon.awssdk.services.s3.model.S3Exception slowDown) {
                    Thread.sleep(200);
                }
            }
        }
        return false;
    }

    private List<String> scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body().lines().toList();
    }
}
