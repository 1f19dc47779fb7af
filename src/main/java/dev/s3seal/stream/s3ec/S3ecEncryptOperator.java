package dev.s3seal.stream.s3ec;

import dev.s3seal.crypto.s3ec.S3ecContentKey;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * V3 (suite 0x0073) encryption of a whole body: output is {@code plaintext length + 16} bytes, the GCM tag
 * last, exactly what the AWS S3 Encryption Client reads. The V3 IV is fixed, so the content key must encrypt
 * exactly one body: the flux returned by {@link #apply} may be subscribed once, and a second application or
 * subscription fails with {@link IllegalStateException} (a retry needs fresh {@code S3ecEncryptionMaterials}).
 */
public final class S3ecEncryptOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final S3ecContentKey key;
    private final DataBufferFactory factory;
    private final java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();

    public S3ecEncryptOperator(S3ecContentKey key, DataBufferFactory factory) {
        this.key = key;
        this.factory = factory;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> plaintext) {
        return ChunkTransform.transform(
                plaintext,
                () -> {
                    if (!used.compareAndSet(false, true)) {
                        throw new IllegalStateException(
                                "content key already used: one body per S3ecEncryptionMaterials");
                    }
                    return S3ecDecryptOperator.gcm(key.newEncryptor());
                },
                factory);
    }
}
