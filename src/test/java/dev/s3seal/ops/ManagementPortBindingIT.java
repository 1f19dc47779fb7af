package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ListeningSockets;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * With {@code server.address=127.0.0.1} (the default, and a sidecar's setting) and no
 * {@code management.server.address}, metrics, health and {@code /policy/explain} are not reachable
 * from the pod network: the management port binds loopback like the S3 port. The kernel's socket
 * table says where each port listens.
 */
class ManagementPortBindingIT extends ProxyIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void shouldBindManagementPortToLoopbackLikeTheS3Port() {
        assertThat(ListeningSockets.boundAddresses(managementPort))
                .allSatisfy(address -> assertThat(address.isLoopbackAddress())
                        .as(address.toString())
                        .isTrue());
        assertThat(ListeningSockets.boundAddresses(port))
                .as("the S3 port, bound the same way")
                .allSatisfy(address -> assertThat(address.isLoopbackAddress())
                        .as(address.toString())
                        .isTrue());
    }

    @Test
    void shouldAnswerProbesOnLoopbackWhenServerAddressIsLoopback() throws IOException {
        RawHttp.Response health = RawHttp.send(
                managementPort,
                "GET",
                "/actuator/health/liveness",
                java.util.List.of(java.util.Map.entry("Host", "127.0.0.1")),
                new byte[0],
                0);

        assertThat(health.status()).isEqualTo(200);
    }
}
