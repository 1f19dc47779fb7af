package dev.s3seal.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

/**
 * A request body on its way upstream, and what becomes of it when the upstream answers before it
 * took all of it (a refused PutObject or UploadPart: missing bucket, wrong SSE-C parameters,
 * refused signature). The rest goes nowhere: sending it would only get the upstream connection
 * reset under the answer. It is still read from the client and dropped, as S3 does, because a client
 * that writes its whole body before reading (no {@code Expect: 100-continue}, or after a {@code 100})
 * sees a connection reset, and retries, if s3seal answers and closes instead. The drain outlives the
 * upstream connection (which the upstream usually closes after such an answer), but only a modest
 * rest is drained; past that the client's connection is abandoned.
 */
final class BodyInFlight {

    private static final long MAX_DRAIN_BYTES = 8L * 1024 * 1024;
    /** Bounds only the drain of a refused body, never a real transfer. */
    private static final Duration MAX_DRAIN_TIME = Duration.ofSeconds(5);

    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean sent;
    private final Sinks.Empty<Void> ended = Sinks.empty();
    private @Nullable Reader reader;

    BodyInFlight(boolean hasBody) {
        this.sent = new AtomicBoolean(!hasBody);
        if (!hasBody) {
            ended.tryEmitEmpty();
        }
    }

    /** {@code body} as sent upstream: whole, or cut where the upstream answered, the rest drained. */
    Flux<ByteBuf> watch(Flux<ByteBuf> body) {
        return Flux.<ByteBuf>create(sink -> {
                    Reader started = new Reader(sink);
                    synchronized (this) {
                        reader = started;
                    }
                    sink.onRequest(started::forward);
                    sink.onCancel(started::upstreamGone);
                    body.subscribe(started);
                })
                .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
    }

    /** The upstream answered the head of a request that expected {@code 100 Continue}: no body goes out. */
    Flux<ByteBuf> withheld() {
        answered.set(true);
        ended.tryEmitEmpty();
        return Flux.empty();
    }

    /** The upstream's response head arrived; true if that was before the whole body went out. */
    boolean answered() {
        answered.set(true);
        if (sent.get()) {
            return false;
        }
        Reader current;
        synchronized (this) {
            current = reader;
        }
        if (current != null) {
            current.drain();
        }
        return true;
    }

    /** Completes once the client's body was read to its end (or the drain gave up on it). */
    Mono<Void> drained() {
        return ended.asMono().timeout(MAX_DRAIN_TIME, Mono.empty());
    }

    /** Reads the client's body for the upstream, then (once answered) for nobody. */
    private final class Reader extends BaseSubscriber<ByteBuf> {

        private final FluxSink<ByteBuf> sink;
        private boolean subscribed;
        /** Demand that came before the subscription (the client's body subscribes on its own event loop). */
        private long earlyDemand;

        private boolean draining;
        private long dropped;

        Reader(FluxSink<ByteBuf> sink) {
            this.sink = sink;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // demand comes from the upstream connection (forward), or from the drain
            long early;
            synchronized (this) {
                subscribed = true;
                early = earlyDemand;
            }
            if (early > 0) {
                request(early);
            }
        }

        void forward(long n) {
            synchronized (this) {
                if (draining) {
                    return;
                }
                if (!subscribed) {
                    earlyDemand = Operators.addCap(earlyDemand, n);
                    return;
                }
            }
            request(n);
        }

        void drain() {
            boolean subscribedYet;
            synchronized (this) {
                if (draining) {
                    return;
                }
                draining = true;
                subscribedYet = subscribed;
                earlyDemand = Long.MAX_VALUE;
            }
            sink.complete();
            if (subscribedYet) {
                requestUnbounded();
            }
        }

        /** The upstream connection stopped taking the body: drain it if that was after an answer. */
        void upstreamGone() {
            if (answered.get()) {
                drain();
            } else {
                cancel();
                ended.tryEmitEmpty();
            }
        }

        @Override
        protected void hookOnNext(ByteBuf buffer) {
            synchronized (this) {
                if (!draining) {
                    sink.next(buffer);
                    return;
                }
                dropped += buffer.readableBytes();
            }
            buffer.release();
            if (dropped > MAX_DRAIN_BYTES) {
                cancel();
                ended.tryEmitEmpty();
            }
        }

        @Override
        protected void hookOnComplete() {
            synchronized (this) {
                if (!draining) {
                    // all of it went out, unless the upstream refused it on the head (withheld)
                    sent.set(!answered.get());
                    sink.complete();
                }
            }
            ended.tryEmitEmpty();
        }

        @Override
        protected void hookOnError(Throwable error) {
            sink.error(error);
            ended.tryEmitEmpty();
        }
    }
}
