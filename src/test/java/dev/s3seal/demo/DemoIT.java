package dev.s3seal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.S3Clients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The no-configuration demo, as README promises it: an embedded S3Proxy filesystem store with a
 * bucket {@code demo}, credentials demo/demo-secret, every object cse-local under a master key
 * generated on first start, and ciphertext in the files under the store directory.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoIT {

    private static Path dataDirectory;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry registry) throws IOException {
        dataDirectory = Files.createTempDirectory("s3seal-demo");
        int storePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            storePort = socket.getLocalPort();
        }
        int port = storePort;
        registry.add("s3seal.demo.store-port", () -> Integer.toString(port));
        registry.add(
                "s3seal.demo.store-directory", () -> dataDirectory.resolve("s3").toString());
        registry.add(
                "s3seal.demo.key-directory", () -> dataDirectory.resolve("keys").toString());
        registry.add(
                "s3seal.demo.s3proxy-jar",
                () -> System.getProperty("s3seal.test.s3proxyJar", "target/s3proxy/s3proxy.jar"));
        registry.add("management.server.port", () -> "0");
    }

    @Test
    void shouldEncryptEveryObjectInTheDemoBucket() throws IOException {
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        try (S3Client client = S3Clients.sync(URI.create("http://127.0.0.1:" + port), "demo", "demo-secret")) {
            client.putObject(b -> b.bucket("demo").key("hello/world.bin"), RequestBody.fromBytes(data));
            byte[] read = client.getObject(b -> b.bucket("demo").key("hello/world.bin"), ResponseTransformer.toBytes())
                    .asByteArray();
            assertThat(read).isEqualTo(data);
            assertThat(client.listObjectsV2(b -> b.bucket("demo")).contents())
                    .anySatisfy(o -> assertThat(o.size()).isEqualTo(200_000L));
        }
        Path stored =
                dataDirectory.resolve("s3").resolve("demo").resolve("hello").resolve("world.bin");
        byte[] atRest = Files.readAllBytes(stored);
        assertThat(new String(atRest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("S3SL");
        Path key = dataDirectory.resolve("keys").resolve("demo-v1.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
    }
}
