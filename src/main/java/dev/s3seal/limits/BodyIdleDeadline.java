package dev.s3seal.limits;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.Buffers;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/**
 * Fails a request body that goes {@code idle} without a byte (from subscription, and between
 * buffers) with S3's {@code 400 RequestTimeout}. The error travels down the body pipeline like any
 * body failure: the upstream request is cancelled before its last byte, so nothing is stored, and
 * the upstream connection is freed. A deadline between buffers, never on the whole body: a large
 * upload that keeps moving is never cut.
 *
 * <p>The clock also runs while s3seal itself does not ask for bytes (an upstream that stops
 * reading); such an upstream is as stuck as the client would be, and the default (30 s) is far
 * above a healthy store's pauses.
 */
public final class BodyIdleDeadline implements UnaryOperator<Flux<DataBuffer>> {

    private final Duration idle;
    private final LimitListener listener;

    public BodyIdleDeadline(Duration idle, LimitListener listener) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle must be positive, was " + idle);
        }
        this.idle = idle;
        this.listener = listener;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> body) {
        return body.timeout(idle).transform(Buffers::releaseDiscarded).onErrorMap(TimeoutException.class, timeout -> {
            listener.limited(Limit.BODY_IDLE, null);
            return new S3Exception(S3ErrorCode.REQUEST_TIMEOUT);
        });
    }
}
