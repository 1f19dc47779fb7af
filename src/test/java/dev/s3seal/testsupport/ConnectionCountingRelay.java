package dev.s3seal.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A TCP relay between s3seal and a real upstream (S3Proxy) that counts the connections s3seal opens
 * and changes nothing else: bytes are copied both ways as they come, so keep-alive works exactly as
 * it would against the upstream itself. For tests of connection reuse (unlike {@link RecordingUpstream},
 * which closes every connection after one request so that it sees each request).
 */
public final class ConnectionCountingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final AtomicInteger accepted = new AtomicInteger();

    private ConnectionCountingRelay(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "connection-counting-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay in front of {@code target}, started. */
    public static ConnectionCountingRelay inFrontOf(URI target) {
        try {
            return new ConnectionCountingRelay(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Makes s3seal's upstream this relay (S3Proxy's credentials). */
    public void registerAsUpstream(DynamicPropertyRegistry registry) {
        registry.add("s3seal.upstream.endpoint", () -> endpoint().toString());
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> S3ProxyServer.SECRET_KEY);
    }

    /** Connections accepted since the relay started. */
    public int connections() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket(target.getHost(), target.getPort());
                copy(client, upstream, "relay-out");
                copy(upstream, client, "relay-in");
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Copies {@code from} to {@code to} until either side closes, then closes both. */
    private static void copy(Socket from, Socket to, String name) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException closed) {
                        // the other direction notices and ends too
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
