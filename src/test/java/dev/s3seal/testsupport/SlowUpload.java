package dev.s3seal.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A PUT whose client sends the signed headers and the first bytes of a large body, then stalls,
 * holding its connection open: the slow uploader of a pool-exhaustion attack. Its response (if
 * s3seal answers before the body ends) is read on its own thread.
 */
public final class SlowUpload implements AutoCloseable {

    private final Socket socket;
    private final CompletableFuture<RawHttp.Response> response;

    private SlowUpload(Socket socket) {
        this.socket = socket;
        this.response = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.readOne(socket.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Starts an UNSIGNED-PAYLOAD PUT of {@code declaredLength} bytes, of which only {@code sent} are written. */
    public static SlowUpload start(
            URI endpoint, String accessKey, String secret, String path, int declaredLength, int sent)
            throws IOException {
        SignedRequests.Signed put = SignedRequests.put(
                endpoint,
                accessKey,
                secret,
                path,
                new byte[declaredLength],
                SignedRequests.Payload.UNSIGNED,
                Clock.systemUTC(),
                Map.of());
        Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
        socket.setSoTimeout(60_000);
        StringBuilder head =
                new StringBuilder("PUT ").append(put.pathAndQuery()).append(" HTTP/1.1\r\n");
        put.headers()
                .forEach(h -> head.append(h.getKey())
                        .append(": ")
                        .append(h.getValue())
                        .append("\r\n"));
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(put.body(), 0, sent);
        out.flush();
        return new SlowUpload(socket);
    }

    /** Completes when s3seal answers (and closes the connection); never while the upload is held. */
    public CompletableFuture<RawHttp.Response> response() {
        return response;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
