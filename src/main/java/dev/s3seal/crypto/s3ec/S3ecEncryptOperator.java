package dev.s3seal.crypto.s3ec;

import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * V3 (suite 0x0073) encryption of a whole body: output is {@code plaintext length + 16} bytes, the GCM tag
 * last, exactly what the AWS S3 Encryption Client reads. Each subscription encrypts from the start under the
 * same key and fixed IV, so a retried upload must re-send the same plaintext (a different plaintext under the
 * same content key would reuse the GCM nonce): use fresh materials for a different body.
 */
public final class S3ecEncryptOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final S3ecContentKey key;
    private final DataBufferFactory factory;

    public S3ecEncryptOperator(S3ecContentKey key, DataBufferFactory factory) {
        this.key = key;
        this.factory = factory;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> plaintext) {
        return ChunkTransform.transform(plaintext, () -> S3ecDecryptOperator.gcm(key.newEncryptor()), factory);
    }
}
