package dev.s3seal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.TrackingBuffers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class HoldBackLastBufferOperatorTest {

    private final TrackingBuffers buffers = new TrackingBuffers();

    @AfterEach
    void noLeaks() {
        buffers.assertAllReleased();
    }

    private DataBuffer text(String s) {
        return buffers.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(DataBuffer buffer) {
        String s = buffer.toString(StandardCharsets.US_ASCII);
        DataBufferUtils.release(buffer);
        return s;
    }

    @Test
    void shouldReleaseTheLastBufferOnlyWhenTheSourceCompletes() {
        Sinks.Many<DataBuffer> source = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(new HoldBackLastBufferOperator()
                        .apply(source.asFlux())
                        .map(HoldBackLastBufferOperatorTest::read))
                .then(() -> source.tryEmitNext(text("a")))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> source.tryEmitNext(text("b")))
                .expectNext("a")
                .then(() -> source.tryEmitNext(buffers.allocateBuffer(4)))
                .expectNoEvent(Duration.ofMillis(50))
                .then(source::tryEmitComplete)
                .expectNext("b")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldDropAndReleaseTheHeldBufferWhenTheSourceFails() {
        Flux<DataBuffer> failing =
                Flux.just(text("a"), text("b")).concatWith(Flux.error(new IllegalStateException("tag mismatch")));
        StepVerifier.create(new HoldBackLastBufferOperator().apply(failing).map(HoldBackLastBufferOperatorTest::read))
                .expectNext("a")
                .expectErrorMessage("tag mismatch")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldReleaseTheHeldBufferWhenCancelled() {
        Sinks.Many<DataBuffer> source = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(new HoldBackLastBufferOperator()
                        .apply(source.asFlux())
                        .map(HoldBackLastBufferOperatorTest::read))
                .then(() -> source.tryEmitNext(text("only")))
                .expectNoEvent(Duration.ofMillis(50))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(buffers.allocatedCount()).isEqualTo(1);
    }
}
