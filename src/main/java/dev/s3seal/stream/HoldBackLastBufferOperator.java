package dev.s3seal.stream;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Passes buffers on one step late: the last non-empty buffer is released downstream only when the source
 * completes, and dropped (released) when it fails or is cancelled.
 *
 * <p>Why: a decryptor whose authentication is decided only at the end (one GCM tag over a whole object) may
 * emit all of the plaintext before it learns the tag is wrong. With the response's Content-Length set to the
 * plaintext length, a client that has received every byte sees a complete, clean body even if the connection
 * is aborted afterwards. Holding back the last bytes until the source completed means a failure always leaves
 * the body short of its Content-Length, so the client sees a broken transfer. Memory: one buffer.
 */
public final class HoldBackLastBufferOperator implements UnaryOperator<Publisher<DataBuffer>> {

    @Override
    public Flux<DataBuffer> apply(Publisher<DataBuffer> source) {
        return Flux.defer(() -> {
                    AtomicReference<DataBuffer> held = new AtomicReference<>();
                    return Flux.from(source)
                            .concatMap(buffer -> {
                                if (buffer.readableByteCount() == 0) {
                                    DataBufferUtils.release(buffer);
                                    return Mono.<DataBuffer>empty();
                                }
                                return Mono.justOrEmpty(held.getAndSet(buffer));
                            })
                            .concatWith(Mono.fromSupplier(() -> held.getAndSet(null)))
                            .doFinally(signal -> {
                                DataBuffer left = held.getAndSet(null);
                                if (left != null) {
                                    DataBufferUtils.release(left);
                                }
                            });
                })
                .transform(Buffers::releaseDiscarded);
    }
}
