package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Readiness follows the upstream: DOWN while the store is stopped, UP again once it is back;
 * liveness never depends on it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadinessIT {

    private static final S3ProxyServer STORE = S3ProxyServer.dedicated();

    @LocalManagementPort
    int managementPort;

    /** HTTP/1.1 like kubelet probes (the JDK client's default h2c upgrade attempt is not what probes do). */
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        STORE.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].access-key-id", () -> "ready-key");
        registry.add("s3seal.clients[0].secret-access-key", () -> "ready-secret");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "500ms");
        registry.add("s3seal.upstream.connect-timeout", () -> "1s");
        registry.add("management.server.port", () -> "0");
        registry.add("management.endpoint.health.show-details", () -> "always");
    }

    @AfterAll
    static void stopStore() {
        STORE.stop();
    }

    @Test
    void shouldFlipReadinessWhenUpstreamStopsAndComesBack() throws Exception {
        awaitStatus("/actuator/health/readiness", 200);
        STORE.stop();
        awaitStatus("/actuator/health/readiness", 503);
        assertThat(status("/actuator/health/liveness"))
                .as("liveness ignores the upstream")
                .isEqualTo(200);
        STORE.restart();
        awaitStatus("/actuator/health/readiness", 200);
    }

    private void awaitStatus(String path, int expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = status(path);
            if (last == expected) {
                return;
            }
            Thread.sleep(250);
        }
        String body = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(last).as(path + " " + body).isEqualTo(expected);
    }

    private int status(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
