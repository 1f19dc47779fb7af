package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.SignedRequests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** HTTP-level behaviour a proxy must get right: Expect: 100-continue, and clients that go away. */
class ConnectionBehaviourIT extends ProxyIntegrationTest {

    @Test
    void shouldAnswerContinueThenStoreWhenExpect100Continue() throws IOException {
        String bucket = newBucket();
        byte[] body = "sent after 100 Continue".getBytes(StandardCharsets.UTF_8);
        SignedRequests.Signed put = SignedRequests.put(
                endpoint(),
                ALICE_KEY,
                ALICE_SECRET,
                "/" + bucket + "/expect",
                body,
                SignedRequests.Payload.SIGNED,
                Clock.systemUTC(),
                Map.of("Expect", "100-continue"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head("PUT", put).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 100");
            out.write(body);
            out.flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
        assertThat(Files.readAllBytes(store().objectPath(bucket, "expect"))).isEqualTo(body);
    }

    @Test
    void shouldRefuseWithoutContinueWhenSignatureIsWrong() throws IOException {
        String bucket = newBucket();
        byte[] body = new byte[1000];
        SignedRequests.Signed put = SignedRequests.put(
                endpoint(),
                ALICE_KEY,
                "wrong-secret",
                "/" + bucket + "/expect-bad",
                body,
                SignedRequests.Payload.SIGNED,
                Clock.systemUTC(),
                Map.of("Expect", "100-continue"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(head("PUT", put).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 403");
        }
        assertThat(Files.exists(store().objectPath(bucket, "expect-bad"))).isFalse();
    }

    /**
     * A client that disconnects mid-download must not leave its upstream connection busy: it is
     * closed (not returned to the pool half-read), which the upstream's socket table shows.
     */
    @Test
    void shouldCloseUpstreamConnectionWhenClientGoesAway() throws Exception {
        String bucket = newBucket();
        byte[] data = new byte[40 * 1024 * 1024];
        new Random(3).nextBytes(data);
        try (var client = alice()) {
            client.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(data));
        }
        int upstreamPort = store().endpoint().getPort();
        SignedRequests.Signed get =
                SignedRequests.get(endpoint(), ALICE_KEY, ALICE_SECRET, "/" + bucket + "/big", Clock.systemUTC());
        Set<String> during;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.getOutputStream().write(head("GET", get).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            in.readNBytes(64 * 1024);
            during = establishedTo(upstreamPort);
            assertThat(during).as("the download holds an upstream connection").isNotEmpty();
        }
        // Which connections were there, not how many: the other cached test contexts share this
        // store and their health probes may open a connection meanwhile, which a count would
        // mistake for the download's connection staying open.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (establishedTo(upstreamPort).containsAll(during) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        Set<String> closed = new HashSet<>(during);
        closed.removeAll(establishedTo(upstreamPort));
        assertThat(closed)
                .as("upstream connections closed after the client left")
                .isNotEmpty();
    }

    private static String head(String method, SignedRequests.Signed request) {
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(request.pathAndQuery())
                .append(" HTTP/1.1\r\n");
        request.headers()
                .forEach(h -> head.append(h.getKey())
                        .append(": ")
                        .append(h.getValue())
                        .append("\r\n"));
        return head.append("\r\n").toString();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Established TCP connections from this machine to {@code port} (the proxy's side of them), each
     * named by its local address and port as /proc/net/tcp gives it.
     */
    private static Set<String> establishedTo(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        Set<String> connections = new HashSet<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[2].endsWith(hexPort) && fields[3].equals("01")) {
                    connections.add(fields[1]);
                }
            }
        }
        return connections;
    }
}
