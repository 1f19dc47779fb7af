package dev.s3seal.stream.s3ec;

import dev.s3seal.stream.Buffers;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One stateful byte transformation per subscription (GCM encrypt/decrypt, CTR range), and the two Reactor
 * shells every S3EC operator is built from. Ownership: each input buffer is copied out and released at once,
 * so at most one input chunk plus its output is held; buffers discarded on cancel or error are released by
 * the {@code doOnDiscard} hook; the transform is destroyed in {@code doFinally} on every terminal signal.
 */
interface ChunkTransform {

    byte[] update(byte[] in, int off, int len);

    /** End of input: last bytes, or an error signal (tag mismatch, short body). */
    byte[] finish();

    void destroy();

    static Flux<DataBuffer> transform(
            Flux<DataBuffer> input, Supplier<ChunkTransform> transforms, DataBufferFactory factory) {
        return Flux.defer(() -> {
                    ChunkTransform t = transforms.get();
                    Flux<DataBuffer> body = input.handle((buffer, sink) -> {
                        byte[] out;
                        try {
                            byte[] chunk = read(buffer);
                            out = t.update(chunk, 0, chunk.length);
                        } catch (RuntimeException e) {
                            sink.error(e);
                            return;
                        } finally {
                            DataBufferUtils.release(buffer);
                        }
                        if (out.length > 0) {
                            sink.next(factory.wrap(out));
                        }
                    });
                    Mono<DataBuffer> tail = Mono.fromSupplier(() -> {
                        byte[] out = t.finish();
                        return out.length == 0 ? null : factory.wrap(out);
                    });
                    return body.concatWith(tail).doFinally(signal -> t.destroy());
                })
                .transform(Buffers::releaseDiscarded);
    }

    /** Consumes everything, emits nothing; completes only if {@link #finish()} succeeds. */
    static Mono<Void> drain(Flux<DataBuffer> input, Supplier<ChunkTransform> transforms) {
        return Mono.defer(() -> {
                    ChunkTransform t = transforms.get();
                    // nothing is passed on: then() hands every element it ignores to the discard hook, which would
                    // release a buffer already released here
                    return input.<Void>handle((buffer, sink) -> {
                                try {
                                    byte[] chunk = read(buffer);
                                    t.update(chunk, 0, chunk.length);
                                } catch (RuntimeException e) {
                                    sink.error(e);
                                } finally {
                                    DataBufferUtils.release(buffer);
                                }
                            })
                            .then(Mono.fromRunnable(t::finish))
                            .doFinally(signal -> t.destroy());
                })
                .then()
                .transform(Buffers::releaseDiscarded);
    }

    private static byte[] read(DataBuffer buffer) {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        return bytes;
    }
}
