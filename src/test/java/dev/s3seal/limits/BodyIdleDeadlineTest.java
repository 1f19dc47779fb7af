package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Virtual time: the deadline is checked without waiting for it. */
class BodyIdleDeadlineTest {

    private static final Duration IDLE = Duration.ofSeconds(30);

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
