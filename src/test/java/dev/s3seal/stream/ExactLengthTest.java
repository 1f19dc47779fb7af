package dev.s3seal.stream;

import dev.s3seal.testsupport.TrackingBuffers;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class ExactLengthTest {

    private final TrackingBuffers buffers = new TrackingBuffers();

    @Test
    void shouldPassABodyOfExactlyTheDeclaredLength() {
        StepVerifier.create(ExactLength.of(body(3, 4), 7).doOnNext(DataBufferUtils::release))
                .expectNextCount(2)
                .verifyComplete();
        buffers.assertAllReleased();
    }

    @Test
    void shouldFailWithoutEmittingTheBufferThatGoesPastTheDeclaredLength() {
        StepVerifier.create(ExactLength.of(body(3, 4, 5), 6).doOnNext(DataBufferUtils::release))
                .expectNextCount(1)
                .verifyError(BodyLengthMismatchException.class);
        buffers.assertAllReleased();
    }

    @Test
    void shouldFailWhenTheBodyEndsShort() {
        StepVerifier.create(ExactLength.of(body(3), 4).doOnNext(DataBufferUtils::release))
                .expectNextCount(1)
                .verifyError(BodyLengthMismatchException.class);
        buffers.assertAllReleased();
    }

    private Flux<DataBuffer> body(int... sizes) {
        return Flux.fromArray(java.util.Arrays.stream(sizes).boxed().toArray(Integer[]::new))
                .map(size -> buffers.buffer(new byte[size]));
    }
}
