package dev.s3seal.web.object;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.Buffers;
import dev.s3seal.web.envelope.PlaintextEtags;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A small verified request body held whole on the heap, with its MD5, so the PUT that stores it can
 * carry the sealed MD5 in its headers: one upstream request instead of a PUT and a sealing self-copy.
 *
 * <p>{@link #read} completes only when the client's body has ended and verified (signature chunks,
 * trailer checksum, Content-MD5, length: the verified body fails otherwise), so nothing goes upstream
 * for a bad body. Every incoming buffer is copied and released at once; the copy lives in plain arrays
 * (chunks below G1's humongous size), so there is nothing to release on cancel or error and nothing to
 * leak. The caller bounds the size (a {@link dev.s3seal.limits.BodyBudget} reservation of
 * {@code length} bytes held until the store ends).
 */
final class HeldPlaintext {

    private static final int CHUNK = 256 * 1024;

    private final byte[][] chunks;
    private final long length;
    private final byte[] md5;

    private HeldPlaintext(byte[][] chunks, long length, byte[] md5) {
        this.chunks = chunks;
        this.length = length;
        this.md5 = md5;
    }

    /** Reads {@code verified} (declared {@code length} bytes) whole; fails as the body fails. */
    static Mono<HeldPlaintext> read(Flux<DataBuffer> verified, long length) {
        return Mono.defer(() -> {
            Filler filler = new Filler(length);
            return Buffers.readAll(verified, filler::add).then(Mono.fromCallable(filler::finish));
        });
    }

    long length() {
        return length;
    }

    /** The plaintext MD5 (a copy). */
    byte[] md5() {
        return md5.clone();
    }

    /** The held bytes as buffers over the arrays: nothing to release, and each subscription replays them. */
    Flux<DataBuffer> content() {
        return Flux.fromArray(chunks)
                .map(chunk -> DefaultDataBufferFactory.sharedInstance.wrap(ByteBuffer.wrap(chunk)));
    }

    /** Copies buffers into fixed chunks as they come, digesting them; checks the declared length. */
    private static final class Filler {
        private final long length;
        private final byte[][] chunks;
        private final MessageDigest md5 = PlaintextEtags.md5();
        private long filled;

        Filler(long length) {
            this.length = length;
            this.chunks = new byte[(int) ((length + CHUNK - 1) / CHUNK)][];
        }

        void add(DataBuffer buffer) {
            try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
                while (it.hasNext()) {
                    add(it.next());
                }
            }
        }

        private void add(ByteBuffer bytes) {
            if (bytes.remaining() > length - filled) {
                // the verified body checks its length; this only keeps the arrays in bounds
                throw new S3Exception(
                        S3ErrorCode.INCOMPLETE_BODY, "The request body is longer than the Content-Length header.");
            }
            md5.update(bytes.duplicate());
            while (bytes.hasRemaining()) {
                int index = (int) (filled / CHUNK);
                int offset = (int) (filled % CHUNK);
                if (chunks[index] == null) {
                    chunks[index] = new byte[(int) Math.min(CHUNK, length - (long) index * CHUNK)];
                }
                int n = Math.min(bytes.remaining(), chunks[index].length - offset);
                bytes.get(chunks[index], offset, n);
                filled += n;
            }
        }

        HeldPlaintext finish() {
            if (filled != length) {
                throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
            }
            return new HeldPlaintext(chunks, length, md5.digest());
        }
    }
}
