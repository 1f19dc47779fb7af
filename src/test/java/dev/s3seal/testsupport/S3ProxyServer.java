package dev.s3seal.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3Proxy upstream in a child process, verifying SigV4 with its own credentials, one per
 * backend per test JVM. {@link #transientStore()} keeps objects in memory and enforces SSE-C;
 * {@link #filesystemStore()} keeps them as plain files, so tests can read what is at rest.
 */
public final class S3ProxyServer {

    public static final String ACCESS_KEY = "upstream-key";
    public static final String SECRET_KEY = "upstream-secret";

    private static S3ProxyServer transientStore;
    private static S3ProxyServer filesystemStore;

    private Process process;
    private final URI endpoint;
    private final Path dataDirectory;
    private URI secureEndpoint;

    private S3ProxyServer(Process process, URI endpoint, Path dataDirectory) {
        this.process = process;
        this.endpoint = endpoint;
        this.dataDirectory = dataDirectory;
    }

    /**
     * A transient store that also serves HTTPS with the certificate in {@code keystore} (JKS), for
     * tests of s3seal's upstream TLS and its CA bundle option.
     */
    public static S3ProxyServer withTls(Path keystore, String password) {
        try {
            int securePort = freePort();
            S3ProxyServer server = start(
                    "transient",
                    null,
                    freePort(),
                    String.join(
                            "\n",
                            "s3proxy.secure-endpoint=https://127.0.0.1:" + securePort,
                            "s3proxy.keystore-path=" + keystore,
                            "s3proxy.keystore-password=" + password,
                            ""));
            server.secureEndpoint = URI.create("https://127.0.0.1:" + securePort);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The HTTPS endpoint of a store started {@link #withTls}, else null. */
    public URI secureEndpoint() {
        return secureEndpoint;
    }

    /** A store of its own, for tests that stop and restart it (outages); transient backend. */
    public static S3ProxyServer dedicated() {
        return start("transient", null);
    }

    /** Stops the store (an outage); {@link #restart()} brings it back on the same port. */
    public synchronized void stop() {
        process.destroy();
        try {
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void restart() {
        S3ProxyServer fresh = start("transient", null, endpoint.getPort());
        this.process = fresh.process;
    }

    public static synchronized S3ProxyServer transientStore() {
        if (transientStore == null) {
            transientStore = start("transient", null);
        }
        return transientStore;
    }

    public static synchronized S3ProxyServer filesystemStore() {
        if (filesystemStore == null) {
            try {
                filesystemStore = start("filesystem", Files.createTempDirectory("s3seal-fs-store"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return filesystemStore;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Where the filesystem backend keeps {@code bucket/key}; null for the transient store. */
    public Path objectPath(String bucket, String key) {
        return dataDirectory == null ? null : dataDirectory.resolve(bucket).resolve(key);
    }

    /**
     * Edits an object's user metadata in place, as someone with access to the store would: the filesystem
     * backend keeps it in the file's extended attributes, so the stored bytes and the ETag (a multipart
     * object's {@code -N} one too) stay as they are. {@code value == null} removes the entry.
     */
    public void editStoredMetadata(String bucket, String key, String entry, String value) throws IOException {
        UserDefinedFileAttributeView view =
                Files.getFileAttributeView(objectPath(bucket, key), UserDefinedFileAttributeView.class);
        // S3Proxy names them "user-metadata.<name>" (jclouds' filesystem strategy)
        String name = view.list().stream()
                .filter(n -> n.endsWith("metadata.x-amz-meta-" + entry) || n.endsWith("metadata." + entry))
                .findFirst()
                .orElse(view.list().stream()
                        .filter(n -> n.contains("metadata."))
                        .findFirst()
                        .map(n -> n.substring(0, n.indexOf("metadata.") + "metadata.".length()) + entry)
                        .orElseThrow(() -> new IllegalStateException("no user metadata on " + bucket + "/" + key)));
        if (value == null) {
            if (view.list().contains(name)) {
                view.delete(name);
            }
        } else {
            view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Makes this store the upstream of the s3seal a test starts (plain HTTP endpoint, s3seal's credentials). */
    public void registerAsUpstream(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("s3seal.upstream.endpoint", () -> endpoint.toString());
        registry.add("s3seal.upstream.access-key-id", () -> ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> SECRET_KEY);
    }

    /** An SDK client talking to the upstream directly, bypassing s3seal, to check what was stored. */
    public S3Client directClient() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    private static S3ProxyServer start(String provider, Path dataDirectory) {
        try {
            return start(provider, dataDirectory, freePort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
    }

    private static S3ProxyServer start(String provider, Path dataDirectory, int port) {
        return start(provider, dataDirectory, port, "");
    }

    private static S3ProxyServer start(String provider, Path dataDirectory, int port, String extraProperties) {
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            Path config = Files.createTempFile("s3proxy-" + provider, ".properties");
            StringBuilder properties = new StringBuilder()
                    .append("s3proxy.endpoint=")
                    .append(endpoint)
                    .append('\n')
                    .append("s3proxy.authorization=aws-v2-or-v4\n")
                    .append("s3proxy.identity=")
                    .append(ACCESS_KEY)
                    .append('\n')
                    .append("s3proxy.credential=")
                    .append(SECRET_KEY)
                    .append('\n')
                    .append("jclouds.provider=")
                    .append(provider)
                    .append('\n')
                    .append("jclouds.identity=")
                    .append(ACCESS_KEY)
                    .append('\n')
                    .append("jclouds.credential=")
                    .append(SECRET_KEY)
                    .append('\n');
            if (dataDirectory != null) {
                properties
                        .append("jclouds.filesystem.basedir=")
                        .append(dataDirectory)
                        .append('\n');
            }
            properties.append(extraProperties);
            Files.writeString(config, properties);
            String jar = System.getProperty("s3seal.test.s3proxyJar", "target/s3proxy/s3proxy.jar");
            Path log = Files.createTempFile("s3proxy-" + provider, ".log");
            Process process = new ProcessBuilder(
                            List.of(javaBinary(), "-Xmx1g", "-jar", jar, "--properties", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            awaitHealthy(process, endpoint, log);
            return new S3ProxyServer(process, endpoint, dataDirectory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
    }

    private static void awaitHealthy(Process process, URI endpoint, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited; log: " + readQuietly(log));
            }
            try {
                HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/healthz"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        process.destroy();
        throw new IllegalStateException("S3Proxy did not become healthy; log: " + readQuietly(log));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
