package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

import dev.s3seal.testsupport.LocalAddresses;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;

/**
 * With {@code server.address=127.0.0.1} (the default, and a sidecar's setting) and no
 * {@code management.server.address}, metrics, health and {@code /policy/explain} are not reachable
 * from the pod network: the management port binds loopback like the S3 port.
 */
class ManagementPortBindingIT extends ProxyIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void shouldRefuseConnectionsOnPodAddressWhenServerAddressIsLoopback() {
        InetAddress podAddress = LocalAddresses.nonLoopbackIpv4();

        assertThatThrownBy(() -> connect(podAddress, managementPort)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> connect(podAddress, port)).as("the S3 port, bound the same way")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldAnswerProbesOnLoopbackWhenServerAddressIsLoopback() throws IOException {
        RawHttp.Response health = RawHttp.send(managementPort, "GET", "/actuator/health/liveness",
                java.util.List.of(java.util.Map.entry("Host", "127.0.0.1")), new byte[0], 0);

        assertThat(health.status()).isEqualTo(200);
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5_000);
        }
    }
}
