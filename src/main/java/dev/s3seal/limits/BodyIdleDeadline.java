package dev.s3seal.limits;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.Buffers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

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
 *
 * <p>One timer per body, not one per buffer: each buffer only notes the time, and the timer, when it
 * fires after progress, is set again for the rest of the idle time from the last buffer. A
 * {@code Flux.timeout} re-armed a scheduled task (and cancelled the previous one) for every buffer,
 * which was a measurable share of a small PUT's CPU (docs/benchmarks.md, "Small-request CPU, round 3").
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
        return body.<DataBuffer>transform(Operators.lift((scannable, downstream) ->
                        new IdleWatch(downstream, Schedulers.parallel(), Math.max(1, idle.toNanos()))))
                .transform(Buffers::releaseDiscarded);
    }

    /**
     * Passes the body on and watches it. The first end (completion, error, cancellation or the
     * deadline) wins. The deadline fires on a scheduler thread while buffers arrive on the
     * connection's: a buffer is passed on, or released, under the watch's lock, and the deadline ends
     * the body under it too, so a buffer is never passed on beside the deadline's error nor dropped
     * unreleased after it (a serializing subscriber drops a signal that comes after an end without
     * releasing it). Uncontended but for the one moment a deadline meets a buffer.
     */
    private final class IdleWatch implements CoreSubscriber<DataBuffer>, Subscription, Runnable {

        private final CoreSubscriber<? super DataBuffer> downstream;
        private final Context context;
        private final Scheduler timer;
        private final long idleNanos;
        private final AtomicBoolean ended = new AtomicBoolean();
        private Subscription upstream;
        /**
         * The scheduler's clock in nanoseconds (virtual in tests): a real scheduler's is System.nanoTime,
         * which its delays follow, where its milliseconds are the wall clock, which steps (NTP, a resumed
         * VM) and would cut a moving body or hold off the deadline of a stalled one.
         */
        private volatile long lastProgress;

        private volatile Disposable armed;

        IdleWatch(CoreSubscriber<? super DataBuffer> downstream, Scheduler timer, long idleNanos) {
            this.downstream = downstream;
            this.context = downstream.currentContext();
            this.timer = timer;
            this.idleNanos = idleNanos;
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            upstream = subscription;
            lastProgress = timer.now(TimeUnit.NANOSECONDS);
            // armed before the downstream may request: a body that ends at once then finds the timer to cancel
            armed = timer.schedule(this, idleNanos, TimeUnit.NANOSECONDS);
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(DataBuffer buffer) {
            synchronized (this) {
                if (ended.get()) {
                    DataBufferUtils.release(buffer); // after the deadline: nobody downstream takes it any more
                    return;
                }
                lastProgress = timer.now(TimeUnit.NANOSECONDS);
                downstream.onNext(buffer);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (end()) {
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (end()) {
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (end()) {
                upstream.cancel();
            }
        }

        /** The timer: either the body moved since (set again for the rest), or it has been idle too long. */
        @Override
        public void run() {
            if (ended.get()) {
                return;
            }
            long idleFor = timer.now(TimeUnit.NANOSECONDS) - lastProgress;
            if (idleFor < idleNanos) {
                armed = timer.schedule(this, idleNanos - idleFor, TimeUnit.NANOSECONDS);
                if (ended.get()) {
                    armed.dispose(); // the body ended while the timer was being set again
                }
                return;
            }
            synchronized (this) {
                if (!ended.compareAndSet(false, true)) {
                    return;
                }
            }
            upstream.cancel();
            listener.limited(Limit.BODY_IDLE, null);
            downstream.onError(new S3Exception(S3ErrorCode.REQUEST_TIMEOUT));
        }

        private boolean end() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            armed.dispose();
            return true;
        }
    }
}
