package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ListeningSockets;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The Helm chart's setting: the management port listens on every interface so the kubelet can
 * probe it over the pod address. It binds the wildcard address then, and loopback peers still get
 * the explanation; a peer on another address is refused ({@link PolicyExplainAccessTest} drives the
 * real route with such a peer, which a test on this machine cannot connect as).
 */
@TestPropertySource(properties = "management.server.address=0.0.0.0")
class PolicyExplainRemoteIT extends ProxyIntegrationTest {

    private static final String EXPLAIN = "/policy/explain?principal=alice&bucket=b&key=k&operation=read";

    @LocalManagementPort
    int managementPort;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldListenOnEveryInterfaceAndExplainToLoopbackWhenConfiguredSo() throws Exception {
        assertThat(ListeningSockets.boundAddresses(managementPort))
                .anySatisfy(address -> assertThat(address.isAnyLocalAddress())
                        .as(address.toString())
                        .isTrue());
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> local = get(EXPLAIN);

        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.body()).contains("\"rule\"");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri =
                URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + managementPort + path);
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
