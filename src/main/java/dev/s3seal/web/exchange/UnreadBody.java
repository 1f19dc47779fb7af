package dev.s3seal.web.exchange;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A request refused before its body was read (bad signature, unknown key, ...) still has that
 * body on the wire. Closing on an unread body makes TCP reset the connection, and many clients
 * then report "connection reset" instead of the S3 error. So a modest body is read and dropped
 * first; a large or stalled one is abandoned and the connection closed after the answer. A body
 * declared larger than that is not waited for at all (a 6 TB {@code Content-Length} is answered at
 * once). A client that sent {@code Expect: 100-continue} has sent nothing yet and is answered at once.
 */
public final class UnreadBody {

    private static final long MAX_DISCARD_BYTES = 8L * 1024 * 1024;
    /** Bounds only this discard of a refused request, never a real transfer. */
    private static final Duration MAX_DISCARD_TIME = Duration.ofSeconds(5);

    private UnreadBody() {}

    public static Mono<Void> discard(ServerHttpRequest request, ServerHttpResponse response) {
        String expect = request.getHeaders().getFirst("Expect");
        long declared = request.getHeaders().getContentLength();
        boolean mayHaveBody = declared > 0 || request.getHeaders().containsHeader("Transfer-Encoding");
        if (!mayHaveBody || (expect != null && expect.equalsIgnoreCase("100-continue"))) {
            return Mono.empty();
        }
        return discard(request.getBody(), declared, response);
    }

    /**
     * The rest of a body that was read in part before its request was refused (a form upload's file
     * after its fields failed): read and dropped within the same bounds.
     */
    public static Mono<Void> discard(Flux<DataBuffer> rest, long declared, ServerHttpResponse response) {
        if (declared > MAX_DISCARD_BYTES) {
            response.getHeaders().set(HttpHeaders.CONNECTION, "close");
            return Mono.empty();
        }
        AtomicLong seen = new AtomicLong();
        // counted and released as each buffer arrives, so what reaches then() is no buffer (see Buffers)
        return rest.map(buffer -> {
                    long total = seen.addAndGet(buffer.readableByteCount());
                    DataBufferUtils.release(buffer);
                    return total;
                })
                .takeUntil(total -> total > MAX_DISCARD_BYTES)
                .timeout(MAX_DISCARD_TIME)
                .onErrorResume(error -> Mono.empty())
                .then();
    }
}
