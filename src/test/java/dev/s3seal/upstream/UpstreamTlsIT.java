package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An HTTPS upstream whose certificate only the configured CA bundle vouches for
 * ({@code s3seal.upstream.ca-bundle}): s3seal talks to it, re-signed, and round-trips objects.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamTlsIT {

    private static S3ProxyServer store;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("s3seal-upstream-tls");
        Path keystore = dir.resolve("store.jks");
        Path ca = dir.resolve("store-ca.pem");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Command.run(
                        java.util.Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                keytool,
                                "-genkeypair",
                                "-alias",
                                "s3proxy",
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-dname",
                                "CN=127.0.0.1",
                                "-ext",
                                "SAN=ip:127.0.0.1",
                                "-validity",
                                "2",
                                "-keystore",
                                keystore.toString(),
                                "-storepass",
                                "store-pass",
                                "-keypass",
                                "store-pass",
                                "-storetype",
                                "JKS"))
                .assertSuccess();
        Command.run(
                        java.util.Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                keytool,
                                "-exportcert",
                                "-rfc",
                                "-alias",
                                "s3proxy",
                                "-keystore",
                                keystore.toString(),
                                "-storepass",
                                "store-pass",
                                "-file",
                                ca.toString()))
                .assertSuccess();
        store = S3ProxyServer.withTls(keystore, "store-pass");
        registry.add("s3seal.upstream.endpoint", () -> store.secureEndpoint().toString());
        registry.add("s3seal.upstream.ca-bundle", ca::toString);
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> S3ProxyServer.SECRET_KEY);
        registry.add("s3seal.clients[0].access-key-id", () -> "tls-key");
        registry.add("s3seal.clients[0].secret-access-key", () -> "tls-secret");
        registry.add("management.server.port", () -> "0");
    }

    @Test
    void shouldRoundTripThroughAnUpstreamTrustedOnlyByTheCaBundle() {
        assertThat(store.secureEndpoint().getScheme()).isEqualTo("https");
        try (S3Client client = S3Clients.sync(URI.create("http://127.0.0.1:" + port), "tls-key", "tls-secret")) {
            client.createBucket(b -> b.bucket("tls-bucket"));
            client.putObject(b -> b.bucket("tls-bucket").key("k"), RequestBody.fromString("over TLS upstream"));
            assertThat(client.getObject(b -> b.bucket("tls-bucket").key("k"), ResponseTransformer.toBytes())
                            .asUtf8String())
                    .isEqualTo("over TLS upstream");
        }
    }
}
