package dev.s3seal.stream;

import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/**
 * Passes bytes {@code [skip, skip + take)} of a body and releases the others: the covering ciphertext
 * out of an upstream answer that asked for a little more (docs/format.md 4.1). The bytes after the
 * window are read and released rather than cancelled, so the upstream connection ends its response
 * cleanly and goes back to the pool. Buffers are trimmed in place (read and write positions), never copied.
 */
public final class ByteWindowOperator implements UnaryOperator<Publisher<DataBuffer>> {

    private final long skip;
    private final long take;

    public ByteWindowOperator(long skip, long take) {
        if (skip < 0 || take < 0) {
            throw new IllegalArgumentException("negative window");
        }
        this.skip = skip;
        this.take = take;
    }

    @Override
    public Flux<DataBuffer> apply(Publisher<DataBuffer> body) {
        return Flux.defer(() -> {
                    long[] position = {0};
                    return Flux.from(body).<DataBuffer>handle((buffer, sink) -> {
                        long start = position[0];
                        int length = buffer.readableByteCount();
                        position[0] = start + length;
                        long from = Math.max(start, skip);
                        long to = Math.min(start + length, skip + take);
                        if (from >= to) {
                            DataBufferUtils.release(buffer);
                            return;
                        }
                        int read = buffer.readPosition() + (int) (from - start);
                        buffer.readPosition(read);
                        buffer.writePosition(read + (int) (to - from));
                        sink.next(buffer);
                    });
                })
                .transform(Buffers::releaseDiscarded);
    }
}
