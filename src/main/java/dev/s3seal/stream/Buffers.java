package dev.s3seal.stream;

import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Buffers a body pipeline drops are released exactly once. Reactor hands every element an operator
 * drops (a queue cleared on cancel, an element {@code then()} ignores) to the discard hooks of the
 * subscriber's context, and it chains those hooks: two {@code doOnDiscard(DataBuffer.class, release)}
 * in one pipeline release each dropped buffer twice, and a buffer released in {@code doOnNext} just
 * before {@code then()} drops it is released a second time by the hook. A second release of a
 * received buffer frees the connection's codec buffer under Netty (seen under upstream resets), so
 * every stage installs its hook here, where one pipeline gets one hook.
 */
public final class Buffers {

    /** Marks a context whose discarded buffers are already released further down the pipeline. */
    private static final String RELEASE_HOOK = "s3seal.releaseDiscardedBuffers";

    private Buffers() {}

    /** {@code stream}, with every buffer dropped on its way released once. */
    public static <T> Flux<T> releaseDiscarded(Flux<T> stream) {
        return Flux.deferContextual(context -> context.hasKey(RELEASE_HOOK)
                ? stream
                : stream.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                        .contextWrite(Context.of(RELEASE_HOOK, Boolean.TRUE)));
    }

    /** {@code result}, with every buffer dropped on its way released once. */
    public static <T> Mono<T> releaseDiscarded(Mono<T> result) {
        return Mono.deferContextual(context -> context.hasKey(RELEASE_HOOK)
                ? result
                : result.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                        .contextWrite(Context.of(RELEASE_HOOK, Boolean.TRUE)));
    }

    /**
     * Reads {@code body} to its end and releases each buffer once. The buffers are turned into
     * something else before {@code then()} ignores them, so no discard hook sees them again.
     */
    public static Mono<Void> releaseAll(Publisher<? extends DataBuffer> body) {
        return Flux.from(body).map(DataBufferUtils::release).then();
    }

    /** Reads {@code body} to its end, handing each buffer to {@code reader} and then releasing it once. */
    public static Mono<Void> readAll(Publisher<? extends DataBuffer> body, Consumer<DataBuffer> reader) {
        return Flux.from(body)
                .map(buffer -> {
                    try {
                        reader.accept(buffer);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                    return Boolean.TRUE;
                })
                .then();
    }

    /**
     * A small body read whole into an array (at most {@code maxBytes}, else {@code DataBufferLimitException}),
     * its buffers released; empty for an empty body.
     */
    public static Mono<byte[]> readBytes(Publisher<? extends DataBuffer> body, int maxBytes) {
        return DataBufferUtils.join(body, maxBytes)
                .map(joined -> {
                    try {
                        byte[] bytes = new byte[joined.readableByteCount()];
                        joined.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(joined);
                    }
                })
                .switchIfEmpty(
                        Mono.fromSupplier(() -> new byte[0])); // not defaultIfEmpty: it discards its unused default
    }
}
