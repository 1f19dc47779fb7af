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
 * its head alone: a request carrying {@link #REFUSE_HEADER} is answered {@code 400 InvalidArgument}
 * at once, without {@code 100 Continue} and without reading its body (S3Proxy itself sends its
 * {@code 100} before looking at a request, so it cannot show this). What arrived after the head of a
 * refused request until the connection closed is recorded. Everything else is relayed byte for byte,
 * one request per connection.
 */
public final class RefusingUpstream implements AutoCloseable {

    /** Lower-case name of the user-metadata header that makes this upstream refuse a request. */
    public static final String REFUSE_HEADER = "x-amz-meta-refuse-early";

    /** One refused request: whether it asked to be told before sending its body, and the bytes that followed its head. */
    public record Refused(boolean expectedContinue, long bytesAfterHead) {
    }

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
            if (text.contains("\r\n" + REFUSE_HEADER + ":")) {
                refuse(client, text.contains("\r\nexpect: 100-continue"));
            } else {
                relay(client, new String(head, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            // a broken connection is the test's business to notice from s3seal's answer
        }
    }

    private void refuse(Socket client, boolean expectedContinue) throws IOException {
        byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidArgument</Code>"
                + "<Message>Refused on its head by the test upstream.</Message></Error>").getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: " + error.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
            copy(upstream, client);
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
