package dev.s3seal.stream.s3ec;

import dev.s3seal.crypto.s3ec.GcmStream;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Single-pass decryption of a whole S3EC body: plaintext flows as ciphertext arrives, and the GCM tag is
 * checked when the body ends. <b>Everything emitted before the terminal signal is unauthenticated</b>: on a
 * tag mismatch the flux ends with {@link S3ecException.Reason#AUTHENTICATION_FAILED} instead of completing,
 * and the proxy must then abort the client connection (never end the response cleanly) so the client sees a
 * truncated transfer rather than wrong data that looks complete. Where that is not acceptable, use
 * {@link S3ecTwoPassDecryptOperator}.
 *
 * <p>Memory: one input chunk and its output. Every input buffer is released on complete, error and cancel.
 * The operator does not own the {@link S3ecContentKey}; it may be applied to several bodies.
 */
public final class S3ecDecryptOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final S3ecContentKey key;
    private final DataBufferFactory factory;

    public S3ecDecryptOperator(S3ecContentKey key, DataBufferFactory factory) {
        this.key = key;
        this.factory = factory;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> ciphertext) {
        return ChunkTransform.transform(ciphertext, () -> gcm(key.newDecryptor()), factory);
    }

    static ChunkTransform gcm(GcmStream stream) {
        return new ChunkTransform() {
            @Override
            public byte[] update(byte[] in, int off, int len) {
                return stream.update(in, off, len);
            }

            @Override
            public byte[] finish() {
                return stream.finish();
            }

            @Override
            public void destroy() {
                stream.destroy();
            }
        };
    }
}
