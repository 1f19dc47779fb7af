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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A recording HTTP/1.1 proxy between s3seal and a real upstream (S3Proxy): every request that
 * reaches it is recorded (method, raw path, raw query, headers) and then forwarded byte for byte,
 * Host header included, so the upstream verifies s3seal's signature as if it had been addressed
 * directly. Each connection carries one request ({@code Connection: close} is set on the way), so
 * every request is seen; the pooled client in s3seal opens a new connection for the next one.
 *
 * <p>For differential tests: what s3seal decided on can be compared with what the upstream got,
 * and a test can assert that nothing arrived at all.
 */
public final class RecordingUpstream implements AutoCloseable {

    /** One request as it reached the upstream; header names in lower case. */
    public record Recorded(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        public String header(String lowerCaseName) {
            List<String> values = headers.get(lowerCaseName);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String toString() {
            return method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
        }
    }

    /**
     * The bytes one request moved: its body (after the head) up to the moment its response ended, and the whole
     * response (status line and headers included). For tests that prove no object body crossed the wire.
     */
    public record Traffic(Recorded request, long requestBodyBytes, long responseBytes) {}

    private static RecordingUpstream shared;

    private final ServerSocket server;
    private final URI target;
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final List<Traffic> traffic = new CopyOnWriteArrayList<>();

    private RecordingUpstream(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "recording-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A recorder in front of {@code target}, started. */
    public static RecordingUpstream inFrontOf(URI target) {
        try {
            return new RecordingUpstream(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One recorder per test JVM in front of the shared filesystem store. */
    public static synchronized RecordingUpstream inFrontOfFilesystemStore() {
        if (shared == null) {
            shared = inFrontOf(S3ProxyServer.filesystemStore().endpoint());
        }
        return shared;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Makes this recorder the upstream of the s3seal a test starts (the store's credentials). */
    public void registerAsUpstream(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("s3seal.upstream.endpoint", () -> endpoint().toString());
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> S3ProxyServer.SECRET_KEY);
    }

    /** Everything recorded since the last {@link #clear()}, in arrival order. */
    public List<Recorded> requests() {
        return List.copyOf(recorded);
    }

    /** The bytes of every request whose response has ended since the last {@link #clear()}. */
    public List<Traffic> traffic() {
        return List.copyOf(traffic);
    }

    public void clear() {
        recorded.clear();
        traffic.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread worker = new Thread(() -> relay(client), "recording-upstream-relay");
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
            Recorded request = parse(text);
            recorded.add(request);
            upstream.getOutputStream().write(withConnectionClose(text).getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong requestBody = new AtomicLong();
            AtomicLong response = new AtomicLong();
            Thread body = new Thread(() -> copy(fromClient, upstream, requestBody), "recording-upstream-body");
            body.setDaemon(true);
            body.start();
            copy(upstream.getInputStream(), client, response);
            traffic.add(new Traffic(request, requestBody.get(), response.get()));
        } catch (IOException e) {
            // a broken connection is the test's business to notice from s3seal's answer
        }
    }

    private static void copy(InputStream from, Socket to, AtomicLong count) {
        try {
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = from.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                count.addAndGet(n);
            }
            out.flush();
            to.shutdownOutput();
        } catch (IOException closed) {
            // one side went away; the other copy ends with it
        }
    }

    /** The request line and headers up to the blank line, or null at end of stream. */
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

    private static Recorded parse(String head) {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        String target = requestLine[1];
        int q = target.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(
                                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        return new Recorded(
                requestLine[0],
                q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1),
                headers);
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
