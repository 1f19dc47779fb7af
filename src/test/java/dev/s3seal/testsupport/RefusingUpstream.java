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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fault-injecting HTTP/1.1 proxy in front of a real S3Proxy that refuses, as S3 does, a request on
 * its head alone: a PUT of a key named with {@link #REFUSED_KEY_MARK} is answered {@code 400 InvalidArgument}
 * at once, without {@code 100 Continue} and without reading its body (S3Proxy itself sends its
 * {@code 100} before looking at a request, so it cannot show this). What arrived after the head of a
 * refused request until the connection closed is recorded. Everything else is relayed byte for byte
 * but for {@code Connection: close} on both heads: one request per connection.
 */
public final class RefusingUpstream implements AutoCloseable {

    /** A PUT of an object (PutObject, UploadPart) whose key contains this is refused on its head. */
    public static final String REFUSED_KEY_MARK = "refused";

    /** One refused request: whether it asked to be told before sending its body, and the bytes that followed its head. */
    public record Refused(boolean expectedContinue, long bytesAfterHead) {}

    private final ServerSocket server;
    private final URI target;
    private final List<Refused> refused = new CopyOnWriteArrayList<>();

    private RefusingUpstream(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "refusing-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RefusingUpstream inFrontOf(URI target) {
        try {
            return new RefusingUpstream(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes this proxy the upstream of the s3seal a test starts (the store's credentials). */
    public void registerAsUpstream(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("s3seal.upstream.endpoint", () -> "http://127.0.0.1:" + server.getLocalPort());
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> S3ProxyServer.SECRET_KEY);
    }

    /** Refused requests whose connection has closed, in order. */
    public List<Refused> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread worker = new Thread(() -> serve(client), "refusing-upstream-relay");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream fromClient = client.getInputStream();
            byte[] head = readHead(fromClient);
            if (head == null) {
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (refuses(text)) {
                refuse(client, text.contains("\r\nexpect: 100-continue"));
            } else {
                relay(client, new String(head, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            // a broken connection is the test's business to notice from s3seal's answer
        }
    }

    /** A PUT (PutObject, UploadPart) of a key with {@link #REFUSED_KEY_MARK} in its name. */
    private static boolean refuses(String lowerCaseHead) {
        String requestLine = lowerCaseHead.substring(0, lowerCaseHead.indexOf("\r\n"));
        String target = requestLine.split(" ")[1];
        int query = target.indexOf('?');
        return requestLine.startsWith("put ")
                && (query < 0 ? target : target.substring(0, query)).contains(REFUSED_KEY_MARK);
    }

    private void refuse(Socket client, boolean expectedContinue) throws IOException {
        byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidArgument</Code>"
                        + "<Message>Refused on its head by the test upstream.</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: " + error.length
                        + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(error);
        out.flush();
        // what the requester sends after the answer, until it closes: its body, if it did not wait
        long after = 0;
        try {
            after = client.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException reset) {
            // counted up to the reset
        }
        refused.add(new Refused(expectedContinue, after));
    }

    private void relay(Socket client, String head) throws IOException {
        try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
            upstream.getOutputStream().write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
            Thread body = new Thread(() -> copy(client, upstream), "refusing-upstream-body");
            body.setDaemon(true);
            body.start();
            relayResponseHeads(upstream.getInputStream(), client.getOutputStream());
            copy(upstream, client);
        }
    }

    /**
     * Passes interim responses on as they are and marks the final one {@code Connection: close}: the
     * store keeps the connection open, and a requester that reused it would send its next request
     * straight to the store, past the refusal check.
     */
    private static void relayResponseHeads(InputStream fromStore, OutputStream toClient) throws IOException {
        byte[] head;
        while ((head = readHead(fromStore)) != null) {
            String text = new String(head, StandardCharsets.ISO_8859_1);
            boolean interim = text.startsWith("HTTP/1.1 1");
            toClient.write((interim ? text : withConnectionClose(text)).getBytes(StandardCharsets.ISO_8859_1));
            toClient.flush();
            if (!interim) {
                return;
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            from.getInputStream().transferTo(out);
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

    /** {@code head} (of a request or a response) with {@code Connection: close} as its only Connection header. */
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
