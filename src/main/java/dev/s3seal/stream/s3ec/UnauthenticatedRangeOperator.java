package dev.s3seal.stream.s3ec;

import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecReadOptions;
import dev.s3seal.crypto.s3ec.UnauthenticatedRange;
import java.util.Arrays;
import java.util.function.Function;
import javax.crypto.Cipher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Decrypts the ciphertext bytes {@link UnauthenticatedRange#upstreamRangeHeader()} fetched, and emits exactly
 * the requested plaintext range. <b>No integrity</b>: see {@link UnauthenticatedRange}. Refuses to exist unless
 * {@link S3ecReadOptions#allowUnauthenticatedRanges()} is set. A body shorter than the range is an error.
 */
public final class UnauthenticatedRangeOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final S3ecContentKey key;
    private final UnauthenticatedRange range;
    private final DataBufferFactory factory;

    public UnauthenticatedRangeOperator(
            S3ecContentKey key, UnauthenticatedRange range, S3ecReadOptions options, DataBufferFactory factory) {
        if (!options.allowUnauthenticatedRanges()) {
            throw new S3ecException(
                    S3ecException.Reason.UNAUTHENTICATED_NOT_ALLOWED,
                    "ranged reads of S3 Encryption Client objects are unauthenticated and disabled");
        }
        this.key = key;
        this.range = range;
        this.factory = factory;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> ciphertextRange) {
        return ChunkTransform.transform(
                ciphertextRange,
                () -> new Ctr(key.unauthenticatedCtrAt(range.blockIndex()), range.skip(), range.length()),
                factory);
    }

    private static final class Ctr implements ChunkTransform {
        private final Cipher cipher;
        private long skip;
        private long remaining;

        Ctr(Cipher cipher, long skip, long length) {
            this.cipher = cipher;
            this.skip = skip;
            this.remaining = length;
        }

        @Override
        public byte[] update(byte[] in, int off, int len) {
            if (remaining == 0) {
                return new byte[0];
            }
            byte[] out = cipher.update(in, off, len);
            if (out == null) {
                return new byte[0];
            }
            int from = (int) Math.min(skip, out.length);
            skip -= from;
            int take = (int) Math.min(remaining, out.length - from);
            remaining -= take;
            return from == 0 && take == out.length ? out : Arrays.copyOfRange(out, from, from + take);
        }

        @Override
        public byte[] finish() {
            if (remaining > 0) {
                throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "upstream body shorter than the range");
            }
            return new byte[0];
        }

        @Override
        public void destroy() {
            remaining = 0;
        }
    }
}
