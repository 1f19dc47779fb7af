package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.web.ssec.SseCTransportGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * HTTPS on the S3 port from a PEM certificate and key (Spring SSL bundle {@code s3seal}), the
 * bundle reloaded when the files are replaced, and SSE-C refused over plain HTTP unless the
 * listener is loopback-only. The TLS listener is bound to every interface (0.0.0.0), so the
 * SSE-C guard is enforced there; the test only ever connects through 127.0.0.1.
 */
@TestPropertySource(properties = "server.address=0.0.0.0")
class TlsIT extends ProxyIntegrationTest {

    private static final TestPki PKI = TestPki.create();

    @DynamicPropertySource
    static void tlsProperties(DynamicPropertyRegistry registry) {
        // plain paths, as an operator would give them (SPRING_SSL_BUNDLE_PEM_S3SEAL_KEYSTORE_CERTIFICATE=/tls/tls.crt)
        registry.add(
                "spring.ssl.bundle.pem.s3seal.keystore.certificate",
                () -> PKI.liveCertificate().toString());
        registry.add(
                "spring.ssl.bundle.pem.s3seal.keystore.private-key",
                () -> PKI.liveKey().toString());
        registry.add("spring.ssl.bundle.pem.s3seal.reload-on-update", () -> "true");
        registry.add("spring.ssl.bundle.watch.file.quiet-period", () -> "200ms");
        registry.add("server.ssl.bundle", () -> "s3seal");
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void managementPortStaysPlainHttpForProbesAndScrapes() throws IOException {
        RawHttp.Response liveness = RawHttp.send(
                managementPort,
                "GET",
                "/actuator/health/liveness",
                List.of(Map.entry("Host", "127.0.0.1")),
                new byte[0],
                0);
        assertThat(liveness.status()).isEqualTo(200);
    }

    @Test
    void roundTripOverHttpsThenRotatedCertificateIsServedToNewHandshakes() throws Exception {
        assertThat(servedSerial(port)).isEqualTo(TestPki.FIRST_SERIAL);
        roundTrip("before-rotation");

        PKI.rotateToSecond();

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        BigInteger served = servedSerial(port);
        while (!served.equals(TestPki.SECOND_SERIAL) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            served = servedSerial(port);
        }
        assertThat(served).as("serial presented after the files were replaced").isEqualTo(TestPki.SECOND_SERIAL);
        roundTrip("after-rotation");
    }

    private void roundTrip(String key) {
        URI https = URI.create("https://127.0.0.1:" + port);
        byte[] body = ("over TLS " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String bucket = "tls-" + UUID.randomUUID().toString().substring(0, 12);
        try (S3Client client = S3Client.builder()
                .endpointOverride(https)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                .httpClient(Apache5HttpClient.builder()
                        .tlsTrustManagersProvider(PKI::trustManagers)
                        .build())
                .build()) {
            client.createBucket(b -> b.bucket(bucket));
            client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .isEqualTo(body);
        }
    }

    /** The serial of the leaf certificate a fresh TLS handshake (no session reuse) is given. */
    private static BigInteger servedSerial(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, PKI.trustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** Plain HTTP on every interface: a customer key must not travel in clear, as on S3. */
    @Nested
    @TestPropertySource(properties = "server.ssl.enabled=false")
    class PlainHttpOnEveryInterface {

        @LocalServerPort
        int plainPort;

        @Test
        void sseCHeadersAreRefusedWithInvalidRequest() throws IOException {
            RawHttp.Response put =
                    putWithSseC(plainPort, "any-bucket", "k", sseCHeaders("x-amz-server-side-encryption-customer-"));
            assertThat(put.status()).isEqualTo(400);
            assertThat(put.errorCode()).isEqualTo("InvalidRequest");
            assertThat(put.body()).contains(SseCTransportGuard.MESSAGE);

            RawHttp.Response copy = putWithSseC(
                    plainPort, "any-bucket", "k2", sseCHeaders("x-amz-copy-source-server-side-encryption-customer-"));
            assertThat(copy.status()).isEqualTo(400);
            assertThat(copy.errorCode()).isEqualTo("InvalidRequest");
        }

        @Test
        void requestsWithoutSseCStillWork() {
            try (S3Client client =
                    S3Clients.sync(URI.create("http://127.0.0.1:" + plainPort), ALICE_KEY, ALICE_SECRET)) {
                String bucket = "plain-" + UUID.randomUUID().toString().substring(0, 12);
                client.createBucket(b -> b.bucket(bucket));
                client.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("hello"));
                assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("k"))
                                .asUtf8String())
                        .isEqualTo("hello");
            }
        }
    }

    /** Plain HTTP bound to 127.0.0.1 (the sidecar): HTTP never leaves the host, SSE-C is forwarded. */
    @Nested
    @TestPropertySource(properties = {"server.ssl.enabled=false", "server.address=127.0.0.1"})
    class PlainHttpOnLoopbackOnly {

        @LocalServerPort
        int plainPort;

        @Test
        void sseCHeadersAreForwarded() throws IOException {
            String bucket = "sidecar-" + UUID.randomUUID().toString().substring(0, 12);
            try (S3Client client =
                    S3Clients.sync(URI.create("http://127.0.0.1:" + plainPort), ALICE_KEY, ALICE_SECRET)) {
                client.createBucket(b -> b.bucket(bucket));
            }
            RawHttp.Response put =
                    putWithSseC(plainPort, bucket, "k", sseCHeaders("x-amz-server-side-encryption-customer-"));
            assertThat(put.body()).doesNotContain(SseCTransportGuard.MESSAGE);
            assertThat(put.errorCode()).isNotEqualTo("InvalidRequest");
            // the filesystem S3Proxy answers SSE-C with 501 NotImplemented: the request reached the upstream
            assertThat(put.status()).isEqualTo(501);
            assertThat(put.body()).doesNotContain("s3seal does not support");
        }
    }

    private static Map<String, String> sseCHeaders(String prefix) {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        try {
            return Map.of(
                    prefix + "algorithm",
                    "AES256",
                    prefix + "key",
                    Base64.getEncoder().encodeToString(key),
                    prefix + "key-MD5",
                    Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("MD5").digest(key)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RawHttp.Response putWithSseC(int port, String bucket, String key, Map<String, String> headers)
            throws IOException {
        byte[] body = "secret".getBytes(StandardCharsets.UTF_8);
        SignedRequests.Signed signed = SignedRequests.put(
                URI.create("http://127.0.0.1:" + port),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + bucket + "/" + key,
                body,
                SignedRequests.Payload.SIGNED,
                Clock.systemUTC(),
                headers);
        return RawHttp.send(port, "PUT", signed.pathAndQuery(), signed.headers(), signed.body(), signed.body().length);
    }

    /** A test CA and two server certificates for 127.0.0.1 / localhost, made with openssl. */
    static final class TestPki {

        static final BigInteger FIRST_SERIAL = BigInteger.valueOf(0x5E1A1);
        static final BigInteger SECOND_SERIAL = BigInteger.valueOf(0x5E1A2);

        private final Path generated;
        private final Path live;
        private final TrustManager[] trustManagers;

        private TestPki(Path generated, Path live, TrustManager[] trustManagers) {
            this.generated = generated;
            this.live = live;
            this.trustManagers = trustManagers;
        }

        static TestPki create() {
            try {
                Path root = Files.createTempDirectory("s3seal-tls-");
                Path generated = Files.createDirectory(root.resolve("generated"));
                Path live = Files.createDirectory(root.resolve("live"));
                openssl(
                        generated,
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-keyout",
                        "ca.key",
                        "-out",
                        "ca.crt",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=s3seal test CA",
                        "-addext",
                        "basicConstraints=critical,CA:TRUE",
                        "-addext",
                        "keyUsage=critical,keyCertSign,cRLSign");
                Files.writeString(
                        generated.resolve("server.ext"),
                        "basicConstraints=CA:FALSE\n"
                                + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                                + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
                for (int n = 1; n <= 2; n++) {
                    BigInteger serial = n == 1 ? FIRST_SERIAL : SECOND_SERIAL;
                    openssl(
                            generated,
                            "req",
                            "-newkey",
                            "ec",
                            "-pkeyopt",
                            "ec_paramgen_curve:prime256v1",
                            "-nodes",
                            "-keyout",
                            "server" + n + ".key",
                            "-out",
                            "server" + n + ".csr",
                            "-subj",
                            "/CN=localhost");
                    openssl(
                            generated,
                            "x509",
                            "-req",
                            "-in",
                            "server" + n + ".csr",
                            "-CA",
                            "ca.crt",
                            "-CAkey",
                            "ca.key",
                            "-set_serial",
                            "0x" + serial.toString(16),
                            "-days",
                            "2",
                            "-extfile",
                            "server.ext",
                            "-out",
                            "server" + n + ".crt");
                }
                Files.copy(generated.resolve("server1.crt"), live.resolve("tls.crt"));
                Files.copy(generated.resolve("server1.key"), live.resolve("tls.key"));
                return new TestPki(generated, live, trustManagersFor(generated.resolve("ca.crt")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path liveCertificate() {
            return live.resolve("tls.crt");
        }

        Path liveKey() {
            return live.resolve("tls.key");
        }

        TrustManager[] trustManagers() {
            return trustManagers;
        }

        /**
         * Replaces the live key and certificate with the second pair, each file atomically (as a secret
         * update would). Both are staged first so the two renames follow each other at once: were they
         * further apart than the watcher's quiet period, s3seal could reload the new key with the old
         * certificate and fail the handshakes the test makes meanwhile.
         */
        void rotateToSecond() throws IOException {
            Path stagedKey = stage(generated.resolve("server2.key"), liveKey());
            Path stagedCertificate = stage(generated.resolve("server2.crt"), liveCertificate());
            Files.move(stagedKey, liveKey(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(
                    stagedCertificate,
                    liveCertificate(),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }

        private Path stage(Path source, Path target) throws IOException {
            Path staged = live.resolve("." + target.getFileName() + ".new");
            Files.copy(source, staged, StandardCopyOption.REPLACE_EXISTING);
            return staged;
        }

        private static TrustManager[] trustManagersFor(Path caCertificate) {
            try (InputStream in = Files.newInputStream(caCertificate)) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                store.setCertificateEntry(
                        "s3seal-test-ca",
                        CertificateFactory.getInstance("X.509").generateCertificate(in));
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                return factory.getTrustManagers();
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the test CA", e);
            }
        }

        private static void openssl(Path directory, String... arguments) throws IOException {
            List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (process.waitFor() != 0) {
                    throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed:\n" + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
