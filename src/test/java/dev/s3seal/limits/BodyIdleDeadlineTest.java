package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Virtual time: the deadline is checked without waiting for it. */
class BodyIdleDeadlineTest {

    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final NettyDataBufferFactory NETTY =
            new NettyDataBufferFactory(Unpooled.buffer().alloc());

    private final List<String> limited = new ArrayList<>();
    private final BodyIdleDeadline deadline =
            new BodyIdleDeadline(IDLE, (limit, client) -> limited.add(limit.tagValue()));

    @Test
    void shouldFailWithRequestTimeoutWhenBodyStallsBetweenBuffers() {
        StepVerifier.withVirtualTime(() -> Flux.concat(Flux.just(buffer("a")), Flux.<DataBuffer>never())
                        .transform(deadline))
                .consumeNextWith(DataBufferUtils::release)
                .thenAwait(IDLE)
                .expectErrorSatisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.REQUEST_TIMEOUT))
                .verify(Duration.ofSeconds(5));
        assertThat(limited).containsExactly("body-idle");
    }

    @Test
    void shouldPassWholeBodyWhenEveryPauseIsShorterThanTheDeadline() {
        StepVerifier.withVirtualTime(() -> Flux.range(0, 10)
                        .concatMap(i -> Flux.just(i).delayElements(IDLE.minusSeconds(1)))
                        .map(i -> buffer("x"))
                        .transform(deadline))
                .thenAwait(IDLE.multipliedBy(20))
                .thenConsumeWhile(b -> DataBufferUtils.release(b) || true)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(limited).isEmpty();
    }

    @Test
    void shouldCountIdleTimeFromTheLastBufferWhenTheBodyMovedSinceTheTimerWasSet() {
        Duration moved = Duration.ofSeconds(20);
        StepVerifier.withVirtualTime(() -> Flux.concat(
                                Flux.just(buffer("a")),
                                Mono.fromSupplier(() -> buffer("b")).delaySubscription(moved),
                                Flux.<DataBuffer>never())
                        .transform(deadline))
                .consumeNextWith(DataBufferUtils::release)
                .thenAwait(moved)
                .consumeNextWith(DataBufferUtils::release)
                // the timer set at subscription fires at 30 s, finds the body moved at 20 s, and waits on
                .thenAwait(IDLE.minus(moved))
                .expectNoEvent(moved.minusSeconds(1))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.REQUEST_TIMEOUT))
                .verify(Duration.ofSeconds(5));
        assertThat(limited).containsExactly("body-idle");
    }

    /**
     * A real scheduler's {@code now} in milliseconds is the wall clock, which steps (an NTP correction,
     * a resumed VM), while its delays do not: a step forward between the last buffer and the timer must
     * not cut a body that keeps moving.
     */
    @Test
    void shouldNotCutMovingBodyWhenTheWallClockStepsForward() {
        WallClockSteppingScheduler scheduler = new WallClockSteppingScheduler();
        StepVerifier.withVirtualTime(
                        () -> Flux.concat(
                                        Flux.just(buffer("a")),
                                        Mono.fromSupplier(() -> buffer("b")).delaySubscription(Duration.ofSeconds(20)),
                                        Mono.fromSupplier(() -> buffer("c")).delaySubscription(Duration.ofSeconds(20)))
                                .transform(deadline),
                        () -> scheduler,
                        Long.MAX_VALUE)
                .consumeNextWith(DataBufferUtils::release)
                .thenAwait(Duration.ofSeconds(20))
                .consumeNextWith(DataBufferUtils::release)
                .thenAwait(Duration.ofSeconds(5))
                .then(() -> scheduler.stepWallClock(Duration.ofMinutes(1)))
                .thenAwait(Duration.ofSeconds(15))
                .consumeNextWith(DataBufferUtils::release)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(limited).isEmpty();
    }

    /** ... and a step back must not hold off the deadline of a body that stopped moving. */
    @Test
    void shouldFailStalledBodyOnTimeWhenTheWallClockStepsBack() {
        WallClockSteppingScheduler scheduler = new WallClockSteppingScheduler();
        StepVerifier.withVirtualTime(
                        () -> Flux.concat(Flux.just(buffer("a")), Flux.<DataBuffer>never())
                                .transform(deadline),
                        () -> scheduler,
                        Long.MAX_VALUE)
                .consumeNextWith(DataBufferUtils::release)
                .thenAwait(Duration.ofSeconds(10))
                .then(() -> scheduler.stepWallClock(Duration.ofHours(-1)))
                .thenAwait(IDLE.minusSeconds(10))
                .expectErrorSatisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.REQUEST_TIMEOUT))
                .verify(Duration.ofSeconds(5));
        assertThat(limited).containsExactly("body-idle");
    }

    /**
     * The deadline fires on a scheduler thread while a buffer is on its way on the connection's: the
     * buffer must be passed on or released, never dropped. The scheduler pauses the body's thread inside
     * the watch's onNext (at its clock read) while another thread runs the deadline; without one lock
     * over both, the deadline's error went first and the buffer was dropped unreleased behind it.
     */
    @Test
    void shouldReleaseOrPassOnTheBufferThatArrivesAsTheDeadlineFires() throws InterruptedException {
        PausingScheduler scheduler = new PausingScheduler();
        VirtualTimeScheduler.getOrSet(scheduler);
        try {
            Sinks.Many<DataBuffer> source = Sinks.many().unicast().onBackpressureBuffer();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            source.asFlux().transform(deadline).subscribe(DataBufferUtils::release, errors::add);
            ByteBuf first = Unpooled.buffer().writeByte('a');
            source.tryEmitNext(NETTY.wrap(first));
            ByteBuf racing = Unpooled.buffer().writeByte('b');
            scheduler.pauseNextClockReadOn(Thread.currentThread(), () -> scheduler.advanceTimeBy(IDLE));
            source.tryEmitNext(NETTY.wrap(racing));
            scheduler.awaitDeadlineThread();

            assertThat(first.refCnt()).isZero();
            assertThat(racing.refCnt()).as("the buffer that met the deadline").isZero();
            assertThat(errors)
                    .singleElement()
                    .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.REQUEST_TIMEOUT));
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    /**
     * Virtual time whose next clock read on a chosen thread runs {@code onOtherThread} on a thread of its
     * own and waits for it (at most 2 s: the watch may hold a lock that thread needs).
     */
    private static final class PausingScheduler extends VirtualTimeScheduler {

        private volatile @Nullable Thread pauseOn;
        private volatile @Nullable Runnable onOtherThread;
        private volatile @Nullable Thread other;

        PausingScheduler() {
            super(false);
        }

        void pauseNextClockReadOn(Thread thread, Runnable action) {
            onOtherThread = action;
            pauseOn = thread;
        }

        void awaitDeadlineThread() throws InterruptedException {
            Thread running = other;
            assertThat(running).as("the clock was read on the body's thread").isNotNull();
            running.join(5000);
            assertThat(running.isAlive()).isFalse();
        }

        @Override
        public long now(TimeUnit unit) {
            Runnable action = onOtherThread;
            if (Thread.currentThread() == pauseOn && action != null) {
                pauseOn = null;
                onOtherThread = null;
                CountDownLatch done = new CountDownLatch(1);
                Thread thread = new Thread(() -> {
                    action.run();
                    done.countDown();
                });
                other = thread;
                thread.start();
                try {
                    done.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.now(unit);
        }
    }

    /**
     * Virtual time as a real scheduler tells it: {@code now} in milliseconds or coarser is the wall
     * clock (Scheduler's default, System.currentTimeMillis), which can be stepped here; finer is the
     * monotonic clock (System.nanoTime) that delays follow.
     */
    private static final class WallClockSteppingScheduler extends VirtualTimeScheduler {

        private volatile long wallStepNanos;

        WallClockSteppingScheduler() {
            super(false);
        }

        void stepWallClock(Duration step) {
            wallStepNanos += step.toNanos();
        }

        @Override
        public long now(TimeUnit unit) {
            long monotonic = super.now(TimeUnit.NANOSECONDS);
            if (unit.compareTo(TimeUnit.MILLISECONDS) < 0) {
                return unit.convert(monotonic, TimeUnit.NANOSECONDS);
            }
            return unit.convert(monotonic + wallStepNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static DataBuffer buffer(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
