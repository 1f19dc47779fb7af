package dev.s3seal.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's upstream store: S3Proxy with its filesystem backend, run as a child process from its
 * own jar (its libraries clash with Spring Boot's on one classpath). Objects are plain files
 * under {@code ./data/s3/<bucket>/<key>}, so anyone can look at what s3seal stored. S3Proxy
 * verifies s3seal's re-signed requests with its own credentials.
 */
public final class EmbeddedStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final S3SealProperties.Demo demo;
    private Process process;

    public EmbeddedStore(S3SealProperties.Demo demo) {
        this.demo = demo;
    }

    public URI endpoint() {
        return URI.create("http://" + demo.storeHost() + ":" + demo.storePort());
    }

    /** Starts S3Proxy and waits until it answers; fails with a readable message when it cannot. */
    public void start() throws IOException, InterruptedException {
        if (portInUse()) {
            throw new InvalidConfigurationException(
                    "s3seal.demo.store-port",
                    "port " + demo.storePort() + " on " + demo.storeHost()
                            + " is already in use; stop whatever listens there or pick another port");
        }
        Path jar = locateJar();
        Path dataDir = demo.storeDirectory().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        Path properties = dataDir.getParent().resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=" + endpoint(),
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + demo.storeAccessKeyId(),
                        "s3proxy.credential=" + demo.storeSecretAccessKey(),
                        "jclouds.provider=filesystem",
                        "jclouds.identity=" + demo.storeAccessKeyId(),
                        "jclouds.credential=" + demo.storeSecretAccessKey(),
                        "jclouds.filesystem.basedir=" + dataDir,
                        ""));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add("-jar");
        command.add(jar.toString());
        command.add("--properties");
        command.add(properties.toString());
        Path logFile = dataDir.getParent().resolve("s3proxy.log");
        log.info(
                "starting the embedded store (S3Proxy, filesystem backend) on {} with data in {}", endpoint(), dataDir);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "embedded-store-stop"));
        awaitHealthy(logFile);
    }

    private void awaitHealthy(Path logFile) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(endpoint().resolve("/healthz"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the embedded store exited with code " + process.exitValue() + "; see " + logFile);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException(
                "the embedded store did not start within " + STARTUP_TIMEOUT + "; see " + logFile);
    }

    private boolean portInUse() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(demo.storeHost(), demo.storePort()), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * S3Proxy's jar is copied next to s3seal.jar at build time ({@code target/s3proxy/s3proxy.jar});
     * {@code s3seal.demo.s3proxy-jar} points elsewhere.
     */
    private Path locateJar() {
        List<Path> candidates = new ArrayList<>();
        if (demo.s3proxyJar() != null) {
            candidates.add(demo.s3proxyJar());
        }
        runningJarDirectory()
                .ifPresent(dir -> candidates.add(dir.resolve("s3proxy").resolve("s3proxy.jar")));
        candidates.add(Path.of("target", "s3proxy", "s3proxy.jar"));
        return candidates.stream()
                .filter(Files::isReadable)
                .findFirst()
                .orElseThrow(
                        () -> new InvalidConfigurationException(
                                "s3seal.demo.s3proxy-jar",
                                "S3Proxy's jar was not found at " + candidates
                                        + "; build with ./mvnw -DskipTests package, or set S3SEAL_UPSTREAM_ENDPOINT to use a real store"));
    }

    /** The folder of the running s3seal.jar (Spring Boot's ApplicationHome knows nested-jar URLs). */
    private static java.util.Optional<Path> runningJarDirectory() {
        java.io.File source = new org.springframework.boot.system.ApplicationHome(EmbeddedStore.class).getSource();
        return java.util.Optional.ofNullable(
                source == null ? null : source.toPath().toAbsolutePath().getParent());
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
