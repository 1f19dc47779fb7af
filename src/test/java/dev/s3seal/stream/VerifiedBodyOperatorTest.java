package dev.s3seal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.auth.ChunkSigningContext;
import dev.s3seal.auth.ChunkedBodies;
import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.PayloadMode;
import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.auth.payload.PayloadVerifier;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.testsupport.TrackingBuffers;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The reactive shell: decoded bytes flow, the last buffer is held back until the body verified,
 * a failing body ends in an error without its last byte, and no buffer leaks on any path.
 */
class VerifiedBodyOperatorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ChunkSigningContext CONTEXT = ChunkedBodies.awsExampleContext(ChunkedBodies.AWS_SEED);
    private static final byte[] PAYLOAD = payload(2500);

    private final TrackingBuffers buffers = new TrackingBuffers();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @AfterEach
    void noLeaks() {
        buffers.assertAllReleased();
    }

    private static PayloadVerifier plain(String... headers) {
        ClientCredential client = new ClientCredential("c", "k", "s", Set.of("*"));
        return PayloadVerifier.forRequest(new AuthResult(client, PayloadMode.UNSIGNED, null, null), headers(headers));
    }

    private static PayloadVerifier chunked(ChecksumAlgorithm trailer) {
        return PayloadVerifier.forRequest(
                ChunkedBodies.auth(PayloadMode.STREAMING_SIGNED_TRAILER, CONTEXT),
                headers(
                        "x-amz-decoded-content-length",
                        Integer.toString(PAYLOAD.length),
                        "x-amz-trailer",
                        trailer.headerName()));
    }

    private Flux<DataBuffer> pieces(byte[] body, int piece) {
        return Flux.range(0, (body.length + piece - 1) / piece)
                .map(i -> buffers.buffer(
                        java.util.Arrays.copyOfRange(body, i * piece, Math.min(body.length, (i + 1) * piece))));
    }

    private void consume(DataBuffer buffer) {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        received.writeBytes(bytes);
        DataBufferUtils.release(buffer);
    }

    @Test
    void shouldEmitDecodedBytesWhenChunkedBodyVerifies() {
        String crc = ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, PAYLOAD);
        byte[] body = ChunkedBodies.build(CONTEXT, PAYLOAD, 1000, Map.of("x-amz-checksum-crc32", crc));
        Flux<DataBuffer> out =
                pieces(body, 37).transform(new VerifiedBodyOperator(chunked(ChecksumAlgorithm.CRC32), buffers));
        StepVerifier.create(out)
                .thenConsumeWhile(b -> true, this::consume)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(received.toByteArray()).isEqualTo(PAYLOAD);
    }

    @Test
    void shouldHoldBackLastBufferUntilFinishSucceeds() {
        Sinks.Many<DataBuffer> source = Sinks.many().unicast().onBackpressureBuffer();
        Flux<DataBuffer> out =
                source.asFlux().transform(new VerifiedBodyOperator(plain("content-length", "6"), buffers));
        StepVerifier.create(out)
                .then(() -> source.tryEmitNext(buffers.buffer(new byte[] {1, 2})))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> source.tryEmitNext(buffers.buffer(new byte[] {3, 4})))
                .consumeNextWith(this::consume)
                .then(() -> source.tryEmitNext(buffers.buffer(new byte[] {5, 6})))
                .consumeNextWith(this::consume)
                .expectNoEvent(Duration.ofMillis(50))
                .then(source::tryEmitComplete)
                .consumeNextWith(this::consume)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(received.toByteArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void shouldPassAPlainBodysBuffersOnWithoutCopyingThem() {
        List<DataBuffer> sent = List.of(buffers.buffer(new byte[] {1, 2, 3}), buffers.buffer(new byte[] {4, 5}));
        Flux<DataBuffer> out =
                Flux.fromIterable(sent).transform(new VerifiedBodyOperator(plain("content-length", "5"), buffers));
        java.util.List<DataBuffer> emitted = new java.util.ArrayList<>();
        StepVerifier.create(out)
                .thenConsumeWhile(b -> true, b -> {
                    emitted.add(b);
                    consume(b);
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(received.toByteArray()).containsExactly(1, 2, 3, 4, 5);
        // the same buffers, and nothing allocated for copies
        assertThat(emitted).containsExactlyElementsOf(sent);
        assertThat(buffers.allocatedCount()).isEqualTo(2);
    }

    @Test
    void shouldSignalErrorInsteadOfLastBufferWhenChecksumIsWrong() {
        String wrong = ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, new byte[] {9});
        byte[] body = ChunkedBodies.build(CONTEXT, PAYLOAD, 1000, Map.of("x-amz-checksum-crc32", wrong));
        Flux<DataBuffer> out =
                pieces(body, 500).transform(new VerifiedBodyOperator(chunked(ChecksumAlgorithm.CRC32), buffers));
        StepVerifier.create(out)
                .thenConsumeWhile(b -> true, this::consume)
                .expectErrorSatisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.BAD_DIGEST))
                .verify(TIMEOUT);
        assertThat(received.size()).isLessThan(PAYLOAD.length);
    }

    @Test
    void shouldSignalErrorInsteadOfLastBufferWhenBodyIsShort() {
        Flux<DataBuffer> out = pieces(new byte[] {1, 2, 3}, 1)
                .transform(new VerifiedBodyOperator(plain("content-length", "4"), buffers));
        StepVerifier.create(out)
                .thenConsumeWhile(b -> true, this::consume)
                .expectErrorSatisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.INCOMPLETE_BODY))
                .verify(TIMEOUT);
        assertThat(received.toByteArray()).containsExactly(1, 2);
    }

    @Test
    void shouldReleaseInputWhenChunkSignatureIsTampered() {
        byte[] body = ChunkedBodies.build(
                CONTEXT,
                PAYLOAD,
                1000,
                Map.of("x-amz-checksum-crc32", ChunkedBodies.checksum(ChecksumAlgorithm.CRC32, PAYLOAD)));
        body[1500] ^= 0x04;
        Flux<DataBuffer> out =
                pieces(body, 300).transform(new VerifiedBodyOperator(chunked(ChecksumAlgorithm.CRC32), buffers));
        StepVerifier.create(out)
                .thenConsumeWhile(b -> true, this::consume)
                .expectErrorSatisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH))
                .verify(TIMEOUT);
    }

    @Test
    void shouldReleaseHeldBufferWhenCancelled() {
        Sinks.Many<DataBuffer> source = Sinks.many().unicast().onBackpressureBuffer();
        Flux<DataBuffer> out =
                source.asFlux().transform(new VerifiedBodyOperator(plain("content-length", "9"), buffers));
        StepVerifier.create(out)
                .then(() -> source.tryEmitNext(buffers.buffer(new byte[] {1, 2, 3})))
                .then(() -> source.tryEmitNext(buffers.buffer(new byte[] {4, 5, 6})))
                .consumeNextWith(this::consume)
                .thenCancel()
                .verify(TIMEOUT);
    }

    private static byte[] payload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 13 + 1);
        }
        return payload;
    }

    private static Map<String, List<String>> headers(String... namesAndValues) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return headers;
    }
}
