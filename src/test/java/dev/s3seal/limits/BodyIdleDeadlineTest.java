package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

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

    private static DataBuffer buffer(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
