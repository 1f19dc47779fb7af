package dev.s3seal.stream;

import static dev.s3seal.stream.StreamTestSupport.TIMEOUT;
import static dev.s3seal.stream.StreamTestSupport.collect;
import static dev.s3seal.stream.StreamTestSupport.pattern;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.testsupport.CodecCumulation;
import dev.s3seal.testsupport.TrackingBuffers;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.test.StepVerifier;

/**
 * Bodies received from a connection, fed through the real operators as Reactor Netty hands them over
 * (slices sharing the codec buffer's reference count): however the stream ends (tampered data found
 * mid-body, too long, cancelled), each received buffer is released exactly once, never twice (which
 * would free the connection's codec buffer under Netty) and never not at all.
 */
class UpstreamBufferOwnershipTest {

    private static final int S = 64;
    private static final byte[] KEY = pattern(32, 11);
    private final TrackingBuffers factory = new TrackingBuffers();

    @AfterEach
    void everyOutputReleased() {
        factory.assertAllReleased();
    }

    private byte[] encrypt(byte[] plaintext) {
        return collect(factory.chunked(plaintext, 13)
                        .transform(new EncryptOperator(SegmentEncryptor.forObject(KEY, S, plaintext.length), factory)))
                .block(TIMEOUT);
    }

    @Test
    void shouldReleaseEachReceivedBufferOnceWhenTamperedCiphertextIsFoundMidBody() {
        byte[] ct = encrypt(pattern(5 * S, 1));
        for (int at : new int[] {0, 40, 91, 91 + S + 3, ct.length - 1}) {
            for (int slice : new int[] {1, 17, 40, ct.length}) {
                byte[] bad = ct.clone();
                bad[at] ^= 0x20;
                CodecCumulation received = new CodecCumulation(bad);
                StepVerifier.create(collect(received.slices(slice).transform(DecryptOperator.object(KEY, factory))))
                        .expectError(AuthenticationFailedException.class)
                        .verify(TIMEOUT);
                received.assertEverySliceReleasedOnce();
            }
        }
    }

    @Test
    void shouldReleaseEachReceivedBufferOnceWhenDataFollowsTheFinalSegment() {
        byte[] ct = encrypt(pattern(2 * S, 2));
        CodecCumulation received = new CodecCumulation(Arrays.copyOf(ct, ct.length + 30));
        StepVerifier.create(collect(received.slices(25).transform(DecryptOperator.object(KEY, factory))))
                .expectError(AuthenticationFailedException.class)
                .verify(TIMEOUT);
        received.assertEverySliceReleasedOnce();
    }

    @Test
    void shouldReleaseEachReceivedBufferOnceWhenTheReaderCancels() {
        byte[] ct = encrypt(pattern(6 * S, 3));
        CodecCumulation received = new CodecCumulation(ct);
        StepVerifier.create(received.slices(30).transform(DecryptOperator.object(KEY, factory)), 1)
                .consumeNextWith(DataBufferUtils::release)
                .thenCancel()
                .verify(TIMEOUT);
        received.assertEverySliceReleasedOnce();
    }

    @Test
    void shouldReleaseEachReceivedBufferOnceWhenAnUploadIsLongerThanDeclared() {
        byte[] plaintext = pattern(3 * S + 5, 4);
        CodecCumulation received = new CodecCumulation(plaintext);
        StepVerifier.create(collect(received.slices(20)
                        .transform(new EncryptOperator(
                                SegmentEncryptor.forObject(KEY, S, plaintext.length - 7), factory))))
                .expectError(BodyLengthMismatchException.class)
                .verify(TIMEOUT);
        received.assertEverySliceReleasedOnce();
    }

    @Test
    void shouldReleaseEachReceivedBufferOnceWhenHeldToALengthItExceeds() {
        CodecCumulation received = new CodecCumulation(pattern(100, 5));
        StepVerifier.create(collect(ExactLength.of(received.slices(30), 70)
                        .doOnDiscard(DataBuffer.class, DataBufferUtils::release)))
                .expectError(BodyLengthMismatchException.class)
                .verify(TIMEOUT);
        received.assertEverySliceReleasedOnce();
    }
}
