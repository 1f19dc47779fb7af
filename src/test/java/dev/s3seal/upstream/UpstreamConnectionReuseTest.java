package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.BodyLengthMismatchException;
import dev.s3seal.stream.Buffers;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Which upstream connections go back to the pool after an exchange whose caller took one answer
 * with {@code next()} (a cancel), and that the exchange after it, on the same one-connection pool,
 * always reads its own answer. The upstream is a plain socket server that answers as scripted per
 * path and keeps every connection open unless the client closes it: a connection that s3seal should
 * not have reused would be reused, and the next exchange would read the wrong bytes.
 */
class UpstreamConnectionReuseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ScriptedUpstream upstream;
    private ConnectionProvider pool;
    private UpstreamClient client;

    @BeforeAll
    static void loadClasses() {
        // loads DataBufferUtils (and its logging) here, not first on an event loop under BlockHound
        DataBufferUtils.release(
                DataBufferUtils.join(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[1])), 16)
                        .block());
    }

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
        // one connection: the second exchange reuses the first one's, or the first one's was closed
        pool = ConnectionProvider.builder("reuse-test").maxConnections(1).build();
        client = new UpstreamClient(
                HttpClient.create(pool).resolver(DefaultAddressResolverGroup.INSTANCE),
                upstream.endpoint(),
                new UpstreamSigner("us-east-1"),
                UpstreamCredentials.of("key", "secret"));
    }

    @AfterEach
    void stop() throws IOException {
        pool.disposeLater().block(WAIT);
        upstream.close();
    }

    @Test
    void shouldReuseConnectionWhoseAnswerWasReadToItsEnd() {
        upstream.on("/b/clean", (request, conn) -> conn.answer("200 OK", "clean"));

        assertThat(takeOne("GET", "/b/clean", -1, Flux.empty(), UpstreamConnectionReuseTest::readText))
                .isEqualTo("200 clean");
        assertSecondExchangeGetsItsOwnAnswer();

        assertThat(upstream.connections()).isEqualTo(1);
    }

    /**
     * Reactor Netty keeps a connection out of the pool when the response ends before the request body
     * went out (its own check at the last response content), but not here: once answered, BodyInFlight
     * completes the body sent upstream early, so Reactor Netty sees a finished request. Only
     * UpstreamClient.handleEarly keeps this connection out of the pool (checked: without its
     * markPersistent(false) and dispose, the next GET is read by the upstream as the rest of the body).
     */
    @ParameterizedTest
    @ValueSource(strings = {"200 OK", "400 Bad Request", "403 Forbidden", "412 Precondition Failed"})
    void shouldNotReuseConnectionWhoseRequestBodyWasCutByAnEarlyAnswer(String status) {
        int buffers = 512; // 32 MiB
        CompletableFuture<Void> answered = new CompletableFuture<>();
        AtomicBoolean cut = new AtomicBoolean();
        upstream.on("/b/early", (request, conn) -> {
            conn.readBody(64 * 1024);
            conn.answer(status, "early");
            // the body goes on a while after the answer, once the client had time to read it
            answered.completeAsync(() -> null, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS));
            // a server that keeps the connection and reads the rest of the declared body before the next
            // request: a client that cut its body and sent its next request here would be read as body
            conn.socket.setSoTimeout(6000);
            try {
                long rest = request.contentLength() - 64 * 1024;
                long read = conn.readBody(rest);
                if (read < rest) {
                    cut.set(true);
                }
            } catch (SocketTimeoutException stalled) {
                upstream.strays().add(conn.id + " neither sent the rest of the body nor closed");
                conn.closed = true;
            }
        });

        // the rest of the body comes only once the upstream answered: it is still flowing when the answer comes
        Flux<DataBuffer> body =
                streamedBody(1).concatWith(Mono.fromFuture(answered).thenMany(streamedBody(buffers - 1)));
        String answer = takeOne("PUT", "/b/early", buffers * 64L * 1024, body, UpstreamConnectionReuseTest::readText);

        assertThat(answer).isEqualTo(status.substring(0, 3) + " early");
        assertSecondExchangeGetsItsOwnAnswer();
        // the client took the answer before it sent its whole body (it has 3 s to read a 5-byte answer)
        assertThat(cut).as("the body was cut by the early answer").isTrue();
        assertThat(upstream.requests()).containsExactly("1 PUT /b/early", "2 GET /b/second");
    }

    /** Reactor Netty does not free a response body nobody subscribed: UpstreamClient must close it. */
    @Test
    void shouldCloseConnectionWhoseAnswerBodyNobodyRead() {
        upstream.on("/b/unread", (request, conn) -> {
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: " + (1 << 20) + "\r\n\r\n");
            conn.write("x".repeat(64 * 1024));
            if (!conn.awaitClientClose(Duration.ofSeconds(3))) {
                upstream.strays().add(conn.id + " kept open with its answer unread");
            }
        });

        Integer status =
                takeOne("GET", "/b/unread", -1, Flux.empty(), (response, body) -> Mono.just(response.status()));

        assertThat(status).isEqualTo(200);
        assertSecondExchangeGetsItsOwnAnswer();
        assertThat(upstream.connections()).isEqualTo(2);
    }

    /** The response ends with its head (HEAD, 204, 304): read to its end as soon as it is subscribed. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "HEAD|HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nETag: \"e\"\r\n\r\n",
                "GET|HTTP/1.1 204 No Content\r\n\r\n",
                "GET|HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\nETag: \"e\"\r\n\r\n"
            })
    void shouldReuseConnectionAfterAnswerWithoutBody(String methodAndResponse) {
        String[] parts = methodAndResponse.split("\\|", 2);
        upstream.on("/b/bodiless", (request, conn) -> conn.write(parts[1]));

        String answer = takeOne(parts[0], "/b/bodiless", -1, Flux.empty(), UpstreamConnectionReuseTest::readText);

        assertThat(answer).isEqualTo(parts[1].substring(9, 12) + " ");
        assertSecondExchangeGetsItsOwnAnswer();
        assertThat(upstream.connections()).isEqualTo(1);
    }

    @Test
    void shouldReuseChunkedAnswerReadToItsLastChunk() {
        upstream.on("/b/chunked", (request, conn) -> {
            conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            conn.write("6\r\nsecond\r\n");
            conn.write("0\r\n\r\n");
        });

        assertThat(takeOne("GET", "/b/chunked", -1, Flux.empty(), UpstreamConnectionReuseTest::readText))
                .isEqualTo("200 firstsecond");
        assertSecondExchangeGetsItsOwnAnswer();
        assertThat(upstream.connections()).isEqualTo(1);
    }

    /**
     * A body longer than the Content-Length s3seal signed (a fault in whatever produced it) must not
     * put its extra bytes on the connection: the upstream would read them as the next request on a
     * connection the pool hands to another exchange (request smuggling).
     */
    @Test
    void shouldNeverSendBytesPastTheDeclaredLength() {
        upstream.on("/b/long", (request, conn) -> {
            conn.readBody(request.contentLength());
            conn.answer("200 OK", "long");
        });
        upstream.on("/b/smuggled", (request, conn) -> conn.answer("200 OK", "smuggled"));
        String smuggled = "GET /b/smuggled HTTP/1.1\r\nHost: upstream\r\nContent-Length: 0\r\n\r\n";
        Flux<DataBuffer> body = streamedBody(1)
                .concatWith(Mono.fromSupplier(() ->
                        DefaultDataBufferFactory.sharedInstance.wrap(smuggled.getBytes(StandardCharsets.ISO_8859_1))));

        assertThatThrownBy(() -> takeOne("PUT", "/b/long", 64 * 1024, body, UpstreamConnectionReuseTest::readText))
                .isInstanceOf(BodyLengthMismatchException.class);
        assertSecondExchangeGetsItsOwnAnswer();

        assertThat(upstream.requests()).noneMatch(line -> line.endsWith("/b/smuggled"));
    }

    /** A body shorter than its Content-Length fails at once: the upstream would wait for the rest, or read the next request as it. */
    @Test
    void shouldFailBodyShorterThanTheDeclaredLength() {
        upstream.on("/b/short", (request, conn) -> {
            conn.readBody(request.contentLength());
            conn.closed = true;
        });

        assertThatThrownBy(() -> takeOne(
                        "PUT", "/b/short", 2 * 64 * 1024, streamedBody(1), UpstreamConnectionReuseTest::readText))
                .isInstanceOf(BodyLengthMismatchException.class);
        assertSecondExchangeGetsItsOwnAnswer();
    }

    private void assertSecondExchangeGetsItsOwnAnswer() {
        upstream.on("/b/second", (request, conn) -> conn.answer("200 OK", "second"));
        assertThat(takeOne("GET", "/b/second", -1, Flux.empty(), UpstreamConnectionReuseTest::readText))
                .isEqualTo("200 second");
        assertThat(upstream.strays()).isEmpty();
    }

    private <T> T takeOne(
            String method,
            String path,
            long contentLength,
            Publisher<DataBuffer> body,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> handler) {
        String[] parts = path.substring(1).split("/", 2);
        UpstreamRequest request =
                new UpstreamRequest(method, parts[0], parts[1], QueryParameters.empty(), Map.of(), contentLength);
        return client.exchange(request, body, handler).next().block(WAIT);
    }

    private static Mono<String> readText(UpstreamResponse response, Flux<DataBuffer> body) {
        return Buffers.readBytes(body, 1 << 20)
                .map(bytes -> response.status() + " " + new String(bytes, StandardCharsets.UTF_8));
    }

    /** {@code count} buffers of 64 KiB, made as they are asked for (a streamed body). */
    private static Flux<DataBuffer> streamedBody(int count) {
        return Flux.range(0, count).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[64 * 1024]));
    }

    /** A socket server answering each request as scripted for its path. */
    static final class ScriptedUpstream implements AutoCloseable {

        interface Script {
            void serve(Request request, Conn conn) throws IOException;
        }

        record Request(String method, String path, long contentLength, String head) {}

        private final ServerSocket server;
        private final Map<String, Script> scripts = new ConcurrentHashMap<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<String> strays = new CopyOnWriteArrayList<>();

        ScriptedUpstream() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptLoop, "scripted-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        void on(String path, Script script) {
            scripts.put(path, script);
        }

        int connections() {
            return connections.get();
        }

        /** "connection method path" of each request head read. */
        List<String> requests() {
            return requests;
        }

        /** Bytes that came on a connection where no request could start (the rest of a cut body, a request sent on a half-answered connection). */
        List<String> strays() {
            return strays;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int id = connections.incrementAndGet();
                    Thread serving = new Thread(() -> serve(new Conn(id, socket)), "scripted-upstream-" + id);
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Conn conn) {
            try (Socket socket = conn.socket) {
                while (true) {
                    String head = readHead(socket.getInputStream());
                    if (head == null) {
                        return;
                    }
                    String[] line = head.substring(0, head.indexOf('\r')).split(" ");
                    long length = -1;
                    for (String header : head.split("\r\n")) {
                        if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Long.parseLong(header.substring(15).trim());
                        }
                    }
                    String path = line[1].contains("?") ? line[1].substring(0, line[1].indexOf('?')) : line[1];
                    requests.add(conn.id + " " + line[0] + " " + path);
                    Script script = scripts.get(path);
                    if (script == null) {
                        strays.add(conn.id + " unscripted " + line[0] + " " + path);
                        return;
                    }
                    script.serve(new Request(line[0], path, length, head), conn);
                    if (conn.closed) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the client closed the connection
            }
        }

        /** One accepted connection. */
        final class Conn {
            final int id;
            final Socket socket;
            boolean closed;

            Conn(int id, Socket socket) {
                this.id = id;
                this.socket = socket;
            }

            /** Reads {@code n} body bytes, or fewer if the client closes first; returns how many came. */
            long readBody(long n) throws IOException {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                long read = 0;
                while (read < n) {
                    int r = in.read(buffer, 0, (int) Math.min(buffer.length, n - read));
                    if (r < 0) {
                        closed = true;
                        break;
                    }
                    read += r;
                }
                return read;
            }

            void write(String text) throws IOException {
                OutputStream out = socket.getOutputStream();
                out.write(text.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }

            void answer(String status, String body) throws IOException {
                write("HTTP/1.1 " + status + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            }

            /**
             * Waits for the client to close this connection; anything it sends instead is recorded as a stray
             * (a request on a connection that should not have been reused). True if the client closed it.
             */
            boolean awaitClientClose(Duration patience) throws IOException {
                socket.setSoTimeout((int) patience.toMillis());
                try {
                    byte[] buffer = new byte[64 * 1024];
                    int r = socket.getInputStream().read(buffer);
                    if (r < 0) {
                        closed = true;
                        return true;
                    }
                    strays.add(id + " got " + new String(buffer, 0, Math.min(r, 80), StandardCharsets.ISO_8859_1));
                    return false;
                } catch (SocketTimeoutException stillOpen) {
                    return false;
                } finally {
                    socket.setSoTimeout(0);
                }
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int lastFour = 0;
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                lastFour = (lastFour << 8) | b;
                if (lastFour == 0x0D0A0D0A) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }
    }
}
