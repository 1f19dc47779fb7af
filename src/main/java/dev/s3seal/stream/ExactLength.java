package dev.s3seal.stream;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/**
 * A body held to the length it was declared with: the buffer that would carry it past that length
 * is released, never emitted, and the body fails with {@link BodyLengthMismatchException}, as it
 * does when it ends short. A writer whose upstream request was sized by that length therefore
 * never completes it from a body that was not what its length promised.
 */
public final class ExactLength {

    private ExactLength() {}

    public static Flux<DataBuffer> of(Flux<DataBuffer> body, long length) {
        return Flux.defer(() -> {
            long[] seen = {0};
            return body.<DataBuffer>handle((buffer, sink) -> {
                        seen[0] += buffer.readableByteCount();
                        if (seen[0] > length) {
                            DataBufferUtils.release(buffer);
                            sink.error(new BodyLengthMismatchException("body is longer than the declared length"));
                        } else {
                            sink.next(buffer);
                        }
                    })
                    .concatWith(Flux.defer(() -> seen[0] < length
                            ? Flux.error(new BodyLengthMismatchException("body is shorter than the declared length"))
                            : Flux.empty()));
        });
    }
}
