package dev.s3seal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.CodecCumulation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Received buffers (slices sharing the codec buffer's reference count, as Reactor Netty hands them
 * over) that a pipeline drops or drains are released exactly once however many stages of the
 * pipeline ask for discarded buffers to be released.
 */
class BuffersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void shouldReleaseEachDrainedBufferOnceWhenTheDrainRunsUnderAReleaseHook() {
        CodecCumulation received = new CodecCumulation(new byte[1000]);

        Buffers.releaseDiscarded(Buffers.releaseAll(received.slices(64))).block(TIMEOUT);

        received.assertEverySliceReleasedOnce();
    }

    @Test
    void shouldReleaseEachDroppedBufferOnceWhenSeveralStagesAskForIt() {
        CodecCumulation received = new CodecCumulation(new byte[1000]);
        Flux<DataBuffer> inner = Buffers.releaseDiscarded(received.slices(64).filter(buffer -> false));
        Flux<DataBuffer> outer = Buffers.releaseDiscarded(Buffers.releaseDiscarded(inner));

        assertThat(outer.collectList().block(TIMEOUT)).isEmpty();

        received.assertEverySliceReleasedOnce();
    }

    @Test
    void shouldReleaseBuffersDroppedWhenAPipelineIsCancelled() {
        CodecCumulation received = new CodecCumulation(new byte[1000]);
        // zip prefetches the body; taking one element cancels it and drops what it queued
        Flux<DataBuffer> body = Buffers.releaseDiscarded(received.slices(10));
        Flux<DataBuffer> first = Flux.zip(body, Flux.just(1), (buffer, one) -> buffer);

        DataBuffer taken = Buffers.releaseDiscarded(first).next().block(TIMEOUT);
        DataBufferUtils.release(taken);

        received.assertEverySliceReleasedOnce();
    }

    @Test
    void shouldReleaseTheBufferOfAResultNobodyTakes() {
        CodecCumulation received = new CodecCumulation(new byte[10]);
        Mono<DataBuffer> one = Buffers.releaseDiscarded(
                Buffers.releaseDiscarded(received.slices(10).next().filter(buffer -> false)));

        assertThat(one.blockOptional(TIMEOUT)).isEmpty();

        received.assertEverySliceReleasedOnce();
    }
}
