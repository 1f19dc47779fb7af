package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

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

import dev.s3seal.testsupport.LocalAddresses;
import dev.s3seal.testsupport.ProxyIntegrationTest;

/**
 * The Helm chart's setting: the management port listens on every interface so the kubelet can
 * probe it over the pod address. Health answers there; {@code /policy/explain}, which shows the
 * whole rule set, still answers only loopback peers.
 */
@TestPropertySource(properties = "management.server.address=0.0.0.0")
class PolicyExplainRemoteIT extends ProxyIntegrationTest {

    private static final String EXPLAIN = "/policy/explain?principal=alice&bucket=b&key=k&operation=read";

    @LocalManagementPort
    int managementPort;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldRefuseExplainWhenPeerIsNotLoopback() throws Exception {
        HttpResponse<String> remote = get(LocalAddresses.nonLoopbackIpv4(), EXPLAIN);

        assertThat(remote.statusCode()).isEqualTo(403);
        assertThat(remote.body()).contains("loopback").doesNotContain("\"rule\"");
    }

    @Test
    void shouldAnswerProbesAndLoopbackExplainWhenManagementListensOnAllInterfaces() throws Exception {
        assertThat(get(LocalAddresses.nonLoopbackIpv4(), "/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> local = get(InetAddress.getLoopbackAddress(), EXPLAIN);

        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.body()).contains("\"rule\"");
    }

    private HttpResponse<String> get(InetAddress host, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + host.getHostAddress() + ":" + managementPort + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
