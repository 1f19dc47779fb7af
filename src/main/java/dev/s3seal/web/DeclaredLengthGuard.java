package dev.s3seal.web;

import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The last line of defence at the point where a response body is handed to Netty: a body never
 * carries more bytes than its {@code Content-Length} said, and never ends cleanly short of it.
 * The buffer that would cross the declared length is released, not written, and the body fails, so
 * the connection is aborted: a client on a keep-alive connection can then never read the rest of
 * one response as the start of the next (response desync). Every handler declares lengths from
 * authenticated data and writes exactly that many bytes; a failure here is s3seal's own bug.
 * Bodiless answers (HEAD, 204, 304) and bodies without a Content-Length (chunked) pass as they are.
 */
final class DeclaredLengthGuard extends ServerHttpResponseDecorator {

    /** A handler wrote more or fewer bytes than the Content-Length it sent. */
    static final class LengthViolation extends IllegalStateException {
        LengthViolation(String message) {
            super(message);
        }
    }

    private final boolean head;

    private DeclaredLengthGuard(ServerHttpResponse delegate, boolean head) {
        super(delegate);
        this.head = head;
    }

    static ServerHttpResponse wrap(ServerHttpResponse response, String method) {
        return new DeclaredLengthGuard(response, "HEAD".equals(method));
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (body instanceof Mono<? extends DataBuffer> single) {
            // a single buffer stays a Mono: the response writes it (and its Content-Length) differently
            return super.writeWith(single.flatMap(buffer -> {
                long declared = declaredLength();
                if (declared >= 0 && buffer.readableByteCount() != declared) {
                    DataBufferUtils.release(buffer);
                    return Mono.error(violation(buffer.readableByteCount(), declared));
                }
                return Mono.just(buffer);
            }));
        }
        return super.writeWith(Flux.defer(() -> {
            long declared = declaredLength();
            return declared < 0 ? Flux.from(body) : held(Flux.from(body), declared, new AtomicLong(), true);
        }));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return super.writeAndFlushWith(Flux.defer(() -> {
            long declared = declaredLength();
            if (declared < 0) {
                return Flux.from(body);
            }
            AtomicLong written = new AtomicLong();
            return Flux.from(body)
                    .<Publisher<? extends DataBuffer>>map(part -> held(Flux.from(part), declared, written, false))
                    .concatWith(Mono.defer(() ->
                            written.get() < declared ? Mono.error(violation(written.get(), declared)) : Mono.empty()));
        }));
    }

    /** The declared length this body is held to, or -1 when there is none to hold it to. */
    private long declaredLength() {
        HttpStatusCode status = getStatusCode();
        if (head || (status != null && (status.value() == 204 || status.value() == 304))) {
            return -1;
        }
        return getHeaders().getContentLength();
    }

    private static Flux<DataBuffer> held(
            Flux<? extends DataBuffer> body, long declared, AtomicLong written, boolean checkEnd) {
        Flux<DataBuffer> bounded = body.handle((buffer, sink) -> {
            long total = written.addAndGet(buffer.readableByteCount());
            if (total > declared) {
                DataBufferUtils.release(buffer);
                sink.error(violation(total, declared));
            } else {
                sink.next(buffer);
            }
        });
        return !checkEnd
                ? bounded
                : bounded.concatWith(Mono.defer(() ->
                        written.get() < declared ? Mono.error(violation(written.get(), declared)) : Mono.empty()));
    }

    private static LengthViolation violation(long written, long declared) {
        return new LengthViolation("response body of at least " + written + " bytes for a Content-Length of " + declared
                + "; the connection is aborted");
    }
}
