package dev.s3seal.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A fault-injecting HTTP/1.1 proxy between s3seal and a real component (S3Proxy or moto). Without
 * faults it forwards byte for byte, one request per connection ({@code Connection: close}), like
 * {@link RecordingUpstream}. A test arms faults for the requests it names ({@link #inject}); each
 * fires a fixed number of times, then the proxy forwards again:
 * <ul>
 * <li>{@link Fault#resetAfterRequestBytes}: forwards the head and that many body bytes, then resets
 * both connections (TCP RST), as a network that drops mid-upload;</li>
 * <li>{@link Fault#resetAfterResponseBytes}: forwards the request, then that many response bytes
 * (head included), then resets: the upstream did the work, its answer is lost;</li>
 * <li>{@link Fault#stall}: takes the request and never answers, until the caller gives up or {@link #clear()};</li>
 * <li>{@link Fault#answer}: answers a canned response (503 SlowDown, KMS throttling) without
 * forwarding;</li>
 * <li>{@link Fault#delay}: forwards after a pause (a slow component).</li>
 * </ul>
 * {@link #refuseConnections()} closes the listening port (connect fails), {@link #acceptConnections()}
 * opens it again on the same port.
 */
public final class FaultProxy implements AutoCloseable {

    /** A request's head as it reached the proxy. */
    public record RequestHead(String method, String target, String text) {
        public boolean is(String expectedMethod, String targetPart) {
            return method.equals(expectedMethod) && target.contains(targetPart);
        }
    }

    /** What happens to a request a fault matches. */
    public record Fault(Kind kind, long bytes, Duration pause, int status, String contentType, String body) {

        enum Kind {
            RESET_REQUEST,
            RESET_RESPONSE,
            STALL,
            ANSWER,
            DELAY
        }

        public static Fault resetAfterRequestBytes(long bodyBytes) {
            return new Fault(Kind.RESET_REQUEST, bodyBytes, null, 0, null, null);
        }

        public static Fault resetAfterResponseBytes(long bytes) {
            return new Fault(Kind.RESET_RESPONSE, bytes, null, 0, null, null);
        }

        public static Fault stall() {
            return new Fault(Kind.STALL, 0, null, 0, null, null);
        }

        public static Fault delay(Duration pause) {
            return new Fault(Kind.DELAY, 0, pause, 0, null, null);
        }

        public static Fault answer(int status, String contentType, String body) {
            return new Fault(Kind.ANSWER, 0, null, status, contentType, body);
        }

        /** S3's throttling answer. */
        public static Fault slowDown() {
            return answer(
                    503,
                    "application/xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown"
                            + "</Code><Message>Please reduce your request rate.</Message></Error>");
        }

        /** S3's answer when it fails itself. */
        public static Fault internalError() {
            return answer(
                    500,
                    "application/xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                            + "InternalError</Code><Message>We encountered an internal error.</Message></Error>");
        }

        /** KMS's throttling answer (JSON protocol). */
        public static Fault kmsThrottling() {
            return answer(
                    400,
                    "application/x-amz-json-1.1",
                    "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
        }
    }

    private record Armed(Predicate<RequestHead> when, Fault fault, AtomicInteger remaining) {}

    private final URI target;
    private final List<Armed> armed = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger fired = new AtomicInteger();
    private final int port;
    private volatile ServerSocket server;

    private FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = server.getLocalPort();
        startAcceptor(server);
    }

    /** A proxy in front of {@code target}, started, with no fault armed. */
    public static FaultProxy inFrontOf(URI target) {
        try {
            return new FaultProxy(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Makes this proxy the upstream of the s3seal a test starts (the shared filesystem store's credentials). */
    public void registerAsUpstream(DynamicPropertyRegistry registry) {
        registry.add("s3seal.upstream.endpoint", () -> endpoint().toString());
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> S3ProxyServer.SECRET_KEY);
    }

    /** Arms {@code fault} for the next {@code times} requests that {@code when} matches. */
    public void inject(Predicate<RequestHead> when, Fault fault, int times) {
        armed.add(new Armed(when, fault, new AtomicInteger(times)));
    }

    /** Disarms every fault not fired yet and lets stalled requests go (their connections are reset). */
    public void clear() {
        armed.clear();
        open.forEach(FaultProxy::reset);
        open.clear();
    }

    /** How many faults fired since this proxy started. */
    public int fired() {
        return fired.get();
    }

    /** Closes the listening port: connections are refused until {@link #acceptConnections()}. */
    public synchronized void refuseConnections() throws IOException {
        server.close();
    }

    /** Listens again on the same port. */
    public synchronized void acceptConnections() throws IOException {
        if (!server.isClosed()) {
            return;
        }
        ServerSocket reopened = new ServerSocket();
        reopened.setReuseAddress(true);
        reopened.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server = reopened;
        startAcceptor(reopened);
    }

    @Override
    public void close() throws IOException {
        clear();
        server.close();
    }

    private void startAcceptor(ServerSocket listening) {
        Thread acceptor = new Thread(() -> acceptLoop(listening), "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Thread worker = new Thread(() -> relay(client), "fault-proxy-relay");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closedSocket) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        open.add(client);
        try (client) {
            InputStream fromClient = client.getInputStream();
            byte[] head = readHead(fromClient);
            if (head == null) {
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
            Fault fault = take(new RequestHead(requestLine[0], requestLine[1], text));
            if (fault == null) {
                forward(client, text, Long.MAX_VALUE, Long.MAX_VALUE);
                return;
            }
            switch (fault.kind()) {
                case RESET_REQUEST -> forward(client, text, fault.bytes(), Long.MAX_VALUE);
                case RESET_RESPONSE -> forward(client, text, Long.MAX_VALUE, fault.bytes());
                case STALL -> fromClient.transferTo(OutputStream.nullOutputStream()); // until the caller gives up
                case DELAY -> {
                    Thread.sleep(fault.pause().toMillis());
                    forward(client, text, Long.MAX_VALUE, Long.MAX_VALUE);
                }
                case ANSWER -> answer(client, fromClient, text, fault);
                default -> throw new IllegalStateException();
            }
        } catch (IOException | InterruptedException e) {
            // a broken connection is the test's business to notice from s3seal's answer
        } finally {
            open.remove(client);
        }
    }

    private Fault take(RequestHead head) {
        for (Armed candidate : armed) {
            if (candidate.when().test(head) && candidate.remaining().getAndDecrement() > 0) {
                fired.incrementAndGet();
                return candidate.fault();
            }
        }
        return null;
    }

    /** Forwards the request (at most {@code requestBodyBytes} of its body) and the answer (at most {@code responseBytes}). */
    private void forward(Socket client, String head, long requestBodyBytes, long responseBytes) throws IOException {
        try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
            open.add(upstream);
            upstream.getOutputStream().write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
            Thread body = new Thread(
                    () -> {
                        if (!copy(inputOf(client), upstream, requestBodyBytes)) {
                            reset(upstream);
                            reset(client);
                        }
                    },
                    "fault-proxy-body");
            body.setDaemon(true);
            body.start();
            if (!copy(upstream.getInputStream(), client, responseBytes)) {
                reset(client);
                reset(upstream);
            }
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    /** Reads and drops the request body (by Content-Length), then answers {@code fault}'s canned response. */
    private static void answer(Socket client, InputStream fromClient, String head, Fault fault) throws IOException {
        long length = contentLength(head);
        if (length > 0) {
            fromClient.skipNBytes(length);
        }
        byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
        String response =
                "HTTP/1.1 " + fault.status() + " " + (fault.status() >= 500 ? "Service Unavailable" : "Bad Request")
                        + "\r\nContent-Type: " + fault.contentType() + "\r\nContent-Length: " + body.length
                        + "\r\nx-amz-request-id: FAULTPROXY\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        client.shutdownOutput();
        fromClient.transferTo(OutputStream.nullOutputStream());
    }

    private static InputStream inputOf(Socket socket) {
        try {
            return socket.getInputStream();
        } catch (IOException e) {
            return InputStream.nullInputStream();
        }
    }

    /** Copies up to {@code limit} bytes; false when the limit cut the stream (the caller resets). */
    private static boolean copy(InputStream from, Socket to, long limit) {
        try {
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            long left = limit;
            int n;
            while (left > 0 && (n = from.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                left -= n;
            }
            if (left == 0) {
                return false;
            }
            to.shutdownOutput();
            return true;
        } catch (IOException closedSocket) {
            return true; // one side went away; the other copy ends with it
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close with RST, not FIN
            socket.close();
        } catch (SocketException alreadyClosed) {
            // nothing left to reset
        } catch (IOException e) {
            // same
        }
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
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
