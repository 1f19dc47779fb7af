package dev.s3seal.web.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.S3Exception;
import dev.s3seal.testsupport.TrackingBuffers;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class HeldPlaintextTest {

    private final TrackingBuffers buffers = new TrackingBuffers();

    @Test
    void shouldHoldAReChunkedBodyWithItsMd5AndReleaseEveryInput() throws Exception {
        byte[] data = new byte[600_000];
        new Random(3).nextBytes(data);

        HeldPlaintext held = HeldPlaintext.read(buffers.chunked(data, 1, 7, 65_536, 300_000), data.length)
                .block(Duration.ofSeconds(10));

        assertThat(held.length()).isEqualTo(data.length);
        assertThat(held.md5()).isEqualTo(MessageDigest.getInstance("MD5").digest(data));
        assertThat(bytesOf(held.content())).isEqualTo(data);
        assertThat(bytesOf(held.content())).as("replayable").isEqualTo(data);
        buffers.assertAllReleased();
    }

    @Test
    void shouldFailAndReleaseWhenTheBodyFailsMidway() {
        byte[] data = new byte[200_000];
        Flux<DataBuffer> failing = buffers.chunked(data, 50_000)
                .take(2)
                .concatWith(Flux.error(new S3Exception(dev.s3seal.s3.S3ErrorCode.BAD_DIGEST)));

        StepVerifier.create(HeldPlaintext.read(failing, data.length))
                .expectError(S3Exception.class)
                .verify(Duration.ofSeconds(10));
        buffers.assertAllReleased();
    }

    @Test
    void shouldRefuseABodyLongerOrShorterThanDeclared() {
        StepVerifier.create(HeldPlaintext.read(buffers.chunked(new byte[100], 30), 99))
                .expectError(S3Exception.class)
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(HeldPlaintext.read(buffers.chunked(new byte[100], 30), 101))
                .expectError(S3Exception.class)
                .verify(Duration.ofSeconds(10));
        buffers.assertAllReleased();
    }

    private static byte[] bytesOf(Flux<DataBuffer> content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.doOnNext(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    out.writeBytes(bytes);
                })
                .blockLast(Duration.ofSeconds(10));
        return out.toByteArray();
    }
}
