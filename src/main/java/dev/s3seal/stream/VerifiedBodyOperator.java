package dev.s3seal.stream;

import dev.s3seal.auth.payload.PayloadVerifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Decodes and verifies a request body with a {@link PayloadVerifier} as it streams, and holds back
 * the most recent decoded buffer until either more output arrives or {@link PayloadVerifier#finish()}
 * succeeds at completion. When the body fails (bad chunk signature, checksum, Content-MD5, length),
 * the held buffer is released and the error is signalled instead, so the upstream request never
 * receives its last byte and nothing bad is stored.
 *
 * <p>Use once per request: {@code body.transform(new VerifiedBodyOperator(verifier, bufferFactory))}.
 * Every input buffer is consumed here: one that holds only payload is passed on (the downstream owns it
 * then), from any other the decoded bytes are copied into a buffer from {@code bufferFactory}, owned by
 * the downstream, and the input is released.
 */
public final class VerifiedBodyOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final PayloadVerifier verifier;
    private final DataBufferFactory bufferFactory;

    public VerifiedBodyOperator(PayloadVerifier verifier, DataBufferFactory bufferFactory) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.bufferFactory = Objects.requireNonNull(bufferFactory, "bufferFactory");
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> body) {
        return Flux.defer(() -> {
            HeldBuffer held = new HeldBuffer();
            return body.<DataBuffer>handle((in, sink) -> {
                        DataBuffer decoded;
                        try {
                            decoded = decode(in);
                        } catch (RuntimeException e) {
                            sink.error(e);
                            return;
                        }
                        DataBuffer previous = decoded == null ? null : held.swap(decoded);
                        if (previous != null) {
                            sink.next(previous);
                        }
                    })
                    .concatWith(Mono.defer(() -> finish(held)))
                    .transform(Buffers::releaseDiscarded)
                    .doFinally(signal -> held.releaseAndClose());
        });
    }

    /** Runs the end-of-body checks; only then lets the held-back buffer go. */
    private Mono<DataBuffer> finish(HeldBuffer held) {
        try {
            verifier.finish();
        } catch (RuntimeException e) {
            held.releaseAndClose();
            return Mono.error(e);
        }
        return Mono.justOrEmpty(held.take());
    }

    /**
     * Feeds one input buffer to the verifier and consumes it: an input that is payload from end to end (a
     * body without aws-chunked framing) is passed on as it is, saving a copy and an allocation per
     * buffer; otherwise what it decoded is copied and the input released.
     */
    private @Nullable DataBuffer decode(DataBuffer in) {
        boolean passedOn = false;
        try (DataBuffer.ByteBufferIterator iterator = in.readableByteBuffers()) {
            int readable = in.readableByteCount();
            List<ByteBuffer> decoded = new ArrayList<>(2);
            while (iterator.hasNext()) {
                decoded.addAll(verifier.update(iterator.next()));
            }
            if (readable > 0 && decoded.size() == 1 && decoded.get(0).remaining() == readable) {
                passedOn = true;
                return in;
            }
            return copy(decoded);
        } finally {
            if (!passedOn) {
                DataBufferUtils.release(in);
            }
        }
    }

    private @Nullable DataBuffer copy(List<ByteBuffer> decoded) {
        int total = 0;
        for (ByteBuffer b : decoded) {
            total += b.remaining();
        }
        if (total == 0) {
            return null;
        }
        DataBuffer out = bufferFactory.allocateBuffer(total);
        try {
            return out.write(decoded.toArray(ByteBuffer[]::new));
        } catch (RuntimeException e) {
            DataBufferUtils.release(out);
            throw e;
        }
    }

    /**
     * The one decoded buffer not yet passed on. Guarded because cancellation may run on another
     * thread than the producer; once closed, anything offered is released at once.
     */
    private static final class HeldBuffer {
        private @Nullable DataBuffer buffer;
        private boolean closed;

        @Nullable
        DataBuffer swap(DataBuffer next) {
            synchronized (this) {
                if (!closed) {
                    DataBuffer previous = buffer;
                    buffer = next;
                    return previous;
                }
            }
            DataBufferUtils.release(next);
            return null;
        }

        synchronized @Nullable DataBuffer take() {
            DataBuffer taken = buffer;
            buffer = null;
            return taken;
        }

        void releaseAndClose() {
            DataBuffer toRelease;
            synchronized (this) {
                closed = true;
                toRelease = buffer;
                buffer = null;
            }
            if (toRelease != null) {
                DataBufferUtils.release(toRelease);
            }
        }
    }
}
