package dev.s3seal.testsupport;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;

/**
 * A real moto server ({@code python3 -m moto.server}) as a child process, started once per JVM on a
 * free port and stopped on JVM exit. Keys live in moto's memory: create them in test setup with
 * {@link #createKey(String)}. {@link #stop()} / {@link #restart()} keep the port, for outage tests
 * (a restart loses every key).
 */
public final class MotoServer {

    public static final String REGION = "us-east-1";
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private static MotoServer instance;

    private final int port;
    private final Path log;
    private Process process;
    private KmsAsyncClient admin;

    private MotoServer(int port) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("moto-" + port + "-", ".log");
    }

    /** The shared server, started on first use. */
    public static synchronized MotoServer get() {
        if (instance == null) {
            try {
                MotoServer server = new MotoServer(freePort());
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "moto-stop"));
                instance = server;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start moto", e);
            }
        }
        return instance;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Creates a symmetric KMS key and {@code alias/<aliasName>} for it; returns the key id. */
    public String createKey(String aliasName) {
        CreateKeyResponse key = admin().createKey(b -> b.description("s3seal test " + aliasName))
                .join();
        String keyId = key.keyMetadata().keyId();
        admin().createAlias(b -> b.aliasName("alias/" + aliasName).targetKeyId(keyId))
                .join();
        return keyId;
    }

    /** A client for setup, with dummy credentials; not the client under test. */
    public synchronized KmsAsyncClient admin() {
        if (admin == null) {
            admin = KmsAsyncClient.builder()
                    .endpointOverride(endpoint())
                    .region(Region.of(REGION))
                    .credentialsProvider(CREDENTIALS)
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                    .build();
        }
        return admin;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(
                        "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        awaitReady(Duration.ofSeconds(90)); // python imports moto slowly on a busy 2-core machine
    }

    /** Stops the server (and its children) and waits until the port refuses connections. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts again on the same port; moto's state (keys, aliases) is gone. */
    public synchronized void restart() throws IOException {
        stop();
        start();
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("moto exited with " + process.exitValue() + "; log: " + Files.readString(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection)
                        endpoint().resolve("/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(1000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for moto", e);
            }
        }
        throw new IOException(
                "moto not ready on port " + port + " within " + timeout + "; log: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
