package dev.s3seal.stream.s3ec;

import dev.s3seal.crypto.s3ec.S3ecContentKey;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * "Verify then stream": applied to the body of a first GET, it authenticates that body completely
 * ({@link S3ecVerifyOperator}) and only then subscribes to {@code secondFetch} (a second GET of the same
 * object) and streams its plaintext through {@link S3ecDecryptOperator}. No plaintext leaves before the whole
 * object is known to be authentic, at the price of reading the object twice (two upstream GETs, twice the
 * transfer and decryption time, first byte only after the whole object has been read once). Memory stays
 * bounded.
 *
 * <p>The second pass checks the tag again, so an object replaced between the two GETs still ends in an error;
 * the proxy should also pin the second GET with {@code If-Match: <etag of the first>} so that such a race
 * fails before any byte is sent.
 */
public final class S3ecTwoPassDecryptOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final S3ecContentKey key;
    private final DataBufferFactory factory;
    private final Supplier<Flux<DataBuffer>> secondFetch;

    public S3ecTwoPassDecryptOperator(
            S3ecContentKey key, DataBufferFactory factory, Supplier<Flux<DataBuffer>> secondFetch) {
        this.key = key;
        this.factory = factory;
        this.secondFetch = secondFetch;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> firstFetch) {
        return new S3ecVerifyOperator(key)
                .apply(firstFetch)
                .thenMany(Flux.defer(secondFetch).transform(new S3ecDecryptOperator(key, factory)));
    }
}
