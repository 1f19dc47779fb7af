package dev.s3seal.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * A relay in front of S3Proxy that makes its conditional writes behave as AWS S3's do. S3Proxy evaluates
 * {@code If-Match} on PutObject and CompleteMultipartUpload before it reads the body, then writes: another write to
 * the same key that lands in between is overwritten although the condition no longer held. AWS S3 evaluates the
 * condition when the write commits. This relay runs the writes (PUT, POST, DELETE) to one key one at a time, from
 * request to response, so S3Proxy's check and its write become one step for everything that goes through the relay,
 * as on S3. Reads are relayed as they come.
 *
 * <p>{@link #beforeWrite} lets a test act at the exact moment a write arrives (for example, a client's write to the
 * same key, landing after the writer examined the object and before its write).
 */
public final class CommitTimeConditionsUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final Map<String, ReentrantLock> keyLocks = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> beforeWrite = (method, head) -> {};

    private CommitTimeConditionsUpstream(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "commit-time-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static CommitTimeConditionsUpstream inFrontOf(URI target) {
        try {
            return new CommitTimeConditionsUpstream(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Makes this relay the upstream of the s3seal a test starts (the store's credentials). */
    public void registerAsUpstream(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("s3seal.upstream.endpoint", () -> endpoint().toString());
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> S3ProxyServer.SECRET_KEY);
    }

    /** Called with the request line and the request head of each write, before the write waits for its key. */
    public void beforeWrite(BiConsumer<String, String> hook) {
        this.beforeWrite = hook;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread worker = new Thread(() -> relay(client), "commit-time-upstream-relay");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client;
                Socket upstream = new Socket(target.getHost(), target.getPort())) {
            InputStream fromClient = client.getInputStream();
            byte[] head = readHead(fromClient);
            if (head == null) {
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            String method = requestLine.substring(0, requestLine.indexOf(' '));
            ReentrantLock lock = null;
            if (method.equals("PUT") || method.equals("POST") || method.equals("DELETE")) {
                beforeWrite.accept(requestLine, text);
                String target = requestLine.split(" ")[1];
                int query = target.indexOf('?');
                lock = keyLocks.computeIfAbsent(
                        query < 0 ? target : target.substring(0, query), k -> new ReentrantLock(true));
                lock.lock();
            }
            try {
                upstream.getOutputStream().write(withConnectionClose(text).getBytes(StandardCharsets.ISO_8859_1));
                Thread body = new Thread(() -> copy(fromClient, upstream), "commit-time-upstream-body");
                body.setDaemon(true);
                body.start();
                copy(upstream.getInputStream(), client);
            } finally {
                if (lock != null) {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // a broken connection is the test's business to notice from the answer
        }
    }

    private static void copy(InputStream from, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            from.transferTo(out);
            out.flush();
            to.shutdownOutput();
        } catch (IOException closed) {
            // one side went away; the other copy ends with it
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (lastFour == 0x0D0A0D0A) {
                return head.toByteArray();
            }
        }
        return null;
    }

    private static String withConnectionClose(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:") && !line.isEmpty()) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }
}
