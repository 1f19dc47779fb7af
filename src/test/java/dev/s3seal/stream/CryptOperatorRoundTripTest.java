package dev.s3seal.stream;

import static dev.s3seal.stream.StreamTestSupport.TIMEOUT;
import static dev.s3seal.stream.StreamTestSupport.collect;
import static dev.s3seal.stream.StreamTestSupport.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.testsupport.TrackingBuffers;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class CryptOperatorRoundTripTest {

    private static final byte[] KEY = pattern(32, 1);
    private final TrackingBuffers factory = new TrackingBuffers();

    @AfterEach
    void everyBufferReleased() {
        factory.assertAllReleased();
    }

    private byte[] encrypt(byte[] plaintext, int segmentSize, int... chunks) {
        SegmentEncryptor enc = SegmentEncryptor.forObject(KEY, segmentSize, plaintext.length);
        return collect(factory.chunked(plaintext, chunks).transform(new EncryptOperator(enc, factory)))
                .block(TIMEOUT);
    }

    private byte[] decrypt(byte[] ciphertext, int... chunks) {
        return collect(factory.chunked(ciphertext, chunks).transform(DecryptOperator.object(KEY, factory)))
                .block(TIMEOUT);
    }

    private static int[][] chunkings(int segmentSize) {
        return new int[][] {{1}, {7, 3, 11}, {segmentSize - 1}, {segmentSize + 1}, {segmentSize}, {1 << 20}};
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 64, 256})
    void shouldRoundTripEveryLengthWhenChunkedAnyWay(int segmentSize) {
        int[][] chunkings = chunkings(segmentSize);
        for (int length = 0; length <= 3 * segmentSize + 1; length++) {
            byte[] plaintext = pattern(length, length);
            for (int i = 0; i < chunkings.length; i++) {
                byte[] ct = encrypt(plaintext, segmentSize, chunkings[i]);
                assertThat(ct).hasSize((int) CiphertextSizes.ciphertextLength(length, segmentSize));
                int[] readChunks = chunkings[(i + 1) % chunkings.length];
                assertThat(decrypt(ct, readChunks)).as("length %d", length).isEqualTo(plaintext);
            }
            factory.assertAllReleased();
        }
    }

    @Test
    void shouldRoundTripWithRealSegmentSizeAroundBoundaries() {
        int s = ObjectFormat.DEFAULT_SEGMENT_SIZE;
        for (int length : new int[] {0, 1, s - 1, s, s + 1, 2 * s, 3 * s + 1, 1 << 20}) {
            byte[] plaintext = pattern(length, 7);
            byte[] ct = encrypt(plaintext, s, 8192, 1000, 65537);
            assertThat(ct).hasSize((int) CiphertextSizes.ciphertextLength(length, s));
            assertThat(decrypt(ct, 4096, 12345)).isEqualTo(plaintext);
        }
    }

    @Test
    void shouldFailWhenBodyIsShorterThanDeclared() {
        SegmentEncryptor enc = SegmentEncryptor.forObject(KEY, 64, 100);
        StepVerifier.create(collect(factory.chunked(pattern(99, 1), 10).transform(new EncryptOperator(enc, factory))))
                .expectError(BodyLengthMismatchException.class)
                .verify(TIMEOUT);
    }

    @Test
    void shouldFailWhenBodyIsLongerThanDeclared() {
        SegmentEncryptor enc = SegmentEncryptor.forObject(KEY, 64, 100);
        StepVerifier.create(collect(factory.chunked(pattern(101, 1), 10).transform(new EncryptOperator(enc, factory))))
                .expectError(BodyLengthMismatchException.class)
                .verify(TIMEOUT);
    }

    @Test
    void shouldNeverEmitTheFinalSegmentWhenBodyIsShort() {
        SegmentEncryptor enc = SegmentEncryptor.forObject(KEY, 64, 128);
        StepVerifier.create(factory.chunked(pattern(127, 1), 1)
                        .transform(new EncryptOperator(enc, factory))
                        .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release))
                .expectNextCount(2) // header and the first (non-final) segment only
                .expectError(BodyLengthMismatchException.class)
                .verify(TIMEOUT);
    }

    @Test
    void shouldHoldBackTheFinalSegmentWhenUpstreamFailsAfterTheLastByte() {
        SegmentEncryptor enc = SegmentEncryptor.forObject(KEY, 64, 128);
        Flux<org.springframework.core.io.buffer.DataBuffer> verifiedBody = factory.chunked(pattern(128, 1), 128)
                .concatWith(Flux.error(new IllegalStateException("checksum mismatch")));
        StepVerifier.create(verifiedBody
                        .transform(new EncryptOperator(enc, factory))
                        .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release))
                .expectNextCount(2) // header and segment 0; the final segment 1 is never released
                .expectErrorMessage("checksum mismatch")
                .verify(TIMEOUT);
    }

    @Test
    void shouldReleaseEverythingWhenCancelledMidStream() {
        byte[] plaintext = pattern(10_000, 3);
        SegmentEncryptor enc = SegmentEncryptor.forObject(KEY, 64, plaintext.length);
        StepVerifier.create(
                        factory.chunked(plaintext, 333)
                                .transform(new EncryptOperator(enc, factory))
                                .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release),
                        5)
                .expectNextCount(5)
                .thenCancel()
                .verify(TIMEOUT);
        byte[] ct = encrypt(plaintext, 64, 1000);
        StepVerifier.create(
                        factory.chunked(ct, 500)
                                .transform(DecryptOperator.object(KEY, factory))
                                .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release),
                        3)
                .expectNextCount(3)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void shouldRefuseASecondSubscription() {
        DecryptOperator op = DecryptOperator.object(KEY, factory);
        byte[] ct = encrypt(new byte[10], 64, 10);
        assertThat(decrypt(ct, 5)).hasSize(10);
        collect(factory.chunked(ct, 5).transform(op)).block(TIMEOUT);
        StepVerifier.create(collect(factory.chunked(ct, 5).transform(op)))
                .expectError(IllegalStateException.class)
                .verify(TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldDecryptEveryRangeExactlyWhenHeaderFetchedEitherWay(boolean separateHeader) {
        int s = 16;
        for (int length : new int[] {1, 15, 16, 17, 50, 64}) {
            byte[] plaintext = pattern(length, length);
            byte[] ct = encrypt(plaintext, s, 9);
            byte[] header = Arrays.copyOf(ct, ObjectFormat.HEADER_LENGTH);
            for (int a = 0; a < length; a++) {
                for (int b = a; b < length; b++) {
                    var plan = RangeMapping.plan(new RangeMapping.PlaintextRange(a, b), s, length);
                    long from = separateHeader ? plan.ciphertextStart() : 0;
                    byte[] fetched = Arrays.copyOfRange(ct, (int) from, (int) plan.ciphertextEndInclusive() + 1);
                    byte[] got = collect(factory.chunked(fetched, 5)
                                    .transform(
                                            DecryptOperator.range(KEY, plan, separateHeader ? header : null, factory)))
                            .block(TIMEOUT);
                    assertThat(got)
                            .as("range %d-%d of %d", a, b, length)
                            .isEqualTo(Arrays.copyOfRange(plaintext, a, b + 1));
                }
                factory.assertAllReleased();
            }
        }
    }

    @Test
    void shouldFailRangeWhenHeaderDisagreesWithMetadata() {
        byte[] ct = encrypt(pattern(100, 1), 16, 9);
        var plan = RangeMapping.plan(new RangeMapping.PlaintextRange(0, 10), 16, 101);
        StepVerifier.create(collect(factory.chunked(Arrays.copyOf(ct, (int) plan.ciphertextEndInclusive() + 1), 8)
                        .transform(DecryptOperator.range(KEY, plan, null, factory))))
                .expectError(AuthenticationFailedException.class)
                .verify(TIMEOUT);
    }

    @Test
    void shouldSurfaceErrorsFromUpstreamAndReleaseBuffers() {
        Flux<org.springframework.core.io.buffer.DataBuffer> failing =
                factory.chunked(pattern(500, 1), 100).concatWith(Flux.error(new IllegalStateException("boom")));
        StepVerifier.create(collect(
                        failing.transform(new EncryptOperator(SegmentEncryptor.forObject(KEY, 64, 1000), factory))))
                .expectErrorMessage("boom")
                .verify(TIMEOUT);
    }
}
