package dev.s3seal.stream;

import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.SegmentEncryptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Encrypts a plaintext body into one format v1 stream: {@code body.transform(new EncryptOperator(enc, factory))}.
 *
 * <p>Input buffers of any size are re-chunked into segments; each input buffer is copied into a
 * one-segment staging array and released at once, so memory is one segment plus the outputs of the
 * current input buffer. The final segment is held back until the plaintext publisher completes, and
 * emitted only if exactly the declared number of bytes arrived: an upstream verifier (signature,
 * Content-MD5, trailing checksum) that signals an error instead of completing therefore keeps the
 * upstream PUT from ever receiving a complete object. A shorter or longer body ends in
 * {@link BodyLengthMismatchException}. The operator owns
 * the {@link SegmentEncryptor} (it wipes its key when the stream ends, however it ends) and can be
 * subscribed once.
 */
public final class EncryptOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final SegmentEncryptor encryptor;
    private final DataBufferFactory factory;
    private final AtomicBoolean used = new AtomicBoolean();

    public EncryptOperator(SegmentEncryptor encryptor, DataBufferFactory factory) {
        this.encryptor = encryptor;
        this.factory = factory;
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> plaintext) {
        return Flux.defer(() -> {
            if (!used.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("EncryptOperator can be subscribed once"));
            }
            Stager stager = new Stager();
            return Flux.concat(
                            Mono.fromCallable(stager::header),
                            plaintext
                                    .doOnNext(buffer -> CryptoTraffic.encrypted(buffer.readableByteCount()))
                                    .concatMapIterable(stager::accept),
                            Flux.defer(stager::finish))
                    .transform(Buffers::releaseDiscarded)
                    .doFinally(signal -> stager.close());
        });
    }

    private final class Stager {
        private final int segmentSize = encryptor.formatHeader().segmentSize();
        private final byte[] plain = new byte
                [(int) Math.min(
                        segmentSize, Math.max(1, encryptor.formatHeader().plaintextLength()))];
        private final byte[] sealed = new byte[plain.length + ObjectFormat.TAG_LENGTH];
        private int filled;

        DataBuffer header() {
            byte[] h = encryptor.header();
            return factory.allocateBuffer(h.length).write(h);
        }

        /**
         * Consumes {@code in}: released here once read. When this throws, {@code in} is left to the
         * operator: {@code concatMapIterable} discards the element whose mapping failed and
         * {@code doOnDiscard} releases it; releasing it here too released it twice (see StreamReader#accept).
         */
        List<DataBuffer> accept(DataBuffer in) {
            List<DataBuffer> out = new ArrayList<>(2);
            try {
                while (in.readableByteCount() > 0) {
                    int need = encryptor.nextSegmentPlaintextLength() - filled;
                    if (need == 0) {
                        throw new BodyLengthMismatchException("body is longer than the declared length");
                    }
                    int n = Math.min(need, in.readableByteCount());
                    in.read(plain, filled, n);
                    filled += n;
                    if (n == need && !encryptor.nextSegmentIsFinal()) {
                        out.add(sealNext());
                    }
                }
            } catch (RuntimeException e) {
                out.forEach(DataBufferUtils::release);
                throw e;
            }
            DataBufferUtils.release(in);
            return out;
        }

        /** Upstream completed: release the held-back final segment if the body had the declared length. */
        Flux<DataBuffer> finish() {
            if (filled != encryptor.nextSegmentPlaintextLength()) {
                return Flux.error(new BodyLengthMismatchException("body is shorter than the declared length"));
            }
            return Flux.just(sealNext());
        }

        private DataBuffer sealNext() {
            int n = encryptor.encryptSegment(plain, 0, filled, sealed, 0);
            filled = 0;
            return factory.allocateBuffer(n).write(sealed, 0, n);
        }

        void close() {
            encryptor.close();
            Arrays.fill(plain, (byte) 0);
        }
    }
}
