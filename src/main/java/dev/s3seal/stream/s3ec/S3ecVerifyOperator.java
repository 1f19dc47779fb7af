package dev.s3seal.stream.s3ec;

import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * First pass of "verify then stream": decrypts and authenticates a whole body, discarding the plaintext.
 * Completes empty when the GCM tag verifies, errors with {@link S3ecException.Reason#AUTHENTICATION_FAILED}
 * otherwise. Bounded memory; every buffer released on every terminal signal.
 */
public final class S3ecVerifyOperator implements Function<Flux<DataBuffer>, Mono<Void>> {

    private final S3ecContentKey key;

    public S3ecVerifyOperator(S3ecContentKey key) {
        this.key = key;
    }

    @Override
    public Mono<Void> apply(Flux<DataBuffer> ciphertext) {
        return ChunkTransform.drain(ciphertext, () -> S3ecDecryptOperator.gcm(key.newDecryptor()));
    }
}
