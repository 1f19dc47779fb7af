package dev.s3seal.stream;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.RangeMapping.RangePlan;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Decrypts format v1 ciphertext into plaintext: {@code body.transform(DecryptOperator.object(key, factory))}.
 *
 * <p>Every emitted byte belongs to a segment whose tag verified. Authentication failures, a
 * stream that ends before the last expected segment, and bytes after it all end the output with
 * an {@link AuthenticationFailedException} error signal, never a clean completion. Input buffers of
 * any size are re-chunked; at most one segment of ciphertext and one of plaintext are staged. Every
 * input buffer is released when read, and buffers in flight are released on error and cancel. The
 * operator copies the data key (the caller wipes its own) and wipes the copy and the derived keys
 * when the stream ends. Each instance can be subscribed once.
 */
public final class DecryptOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {

    private final StreamReader.Plan plan;
    private final byte[] dataKey;
    private final DataBufferFactory factory;
    private final AtomicBoolean used = new AtomicBoolean();

    private DecryptOperator(StreamReader.Plan plan, byte[] dataKey, DataBufferFactory factory) {
        this.plan = plan;
        this.dataKey = dataKey.clone();
        this.factory = factory;
    }

    /** A whole single-part object: header followed by all segments. */
    public static DecryptOperator object(byte[] dataKey, DataBufferFactory factory) {
        return new DecryptOperator(StreamReader.Plan.object(), dataKey, factory);
    }

    /**
     * A whole single-part object whose header must declare {@code segmentSize} and
     * {@code expectedLength} (the length a response already promised): a header that does not fails
     * before any plaintext is emitted, and the first plaintext comes only after the first segment's tag
     * (the header is its associated data) verified.
     */
    public static DecryptOperator object(
            byte[] dataKey, int segmentSize, long expectedLength, DataBufferFactory factory) {
        return new DecryptOperator(StreamReader.Plan.object(segmentSize, expectedLength), dataKey, factory);
    }

    /**
     * A range of a single-part object. With {@code header == null} the input is the ciphertext from
     * byte 0 ({@link RangePlan#singleRequestRange()}): header, then segments up to the last covering
     * one; segments before the range are skipped unread. With the 91 header bytes fetched separately,
     * the input is exactly {@link RangePlan#segmentRange()}.
     */
    public static DecryptOperator range(
            byte[] dataKey, RangePlan range, byte @Nullable [] header, DataBufferFactory factory) {
        return new DecryptOperator(StreamReader.Plan.range(range, header), dataKey, factory);
    }

    /** A whole multipart object: parts 1..N, each a stream, checked against the opened manifest. */
    public static DecryptOperator multipart(
            byte[] dataKey, MultipartManifest manifest, int segmentSize, DataBufferFactory factory) {
        return new DecryptOperator(StreamReader.Plan.multipart(manifest, segmentSize), dataKey, factory);
    }

    /**
     * A range of a multipart object. With {@code header == null} the input is
     * {@link MultipartLayout.Plan#singleRequestRange()} (first part's header onward); with the first
     * part's 91 header bytes fetched separately ({@link MultipartLayout.Plan#headerRange()}), the input
     * is {@link MultipartLayout.Plan#segmentRange()}. Later parts' headers are inside the input.
     */
    public static DecryptOperator multipartRange(
            byte[] dataKey,
            MultipartLayout layout,
            MultipartLayout.Plan range,
            byte @Nullable [] header,
            DataBufferFactory factory) {
        return new DecryptOperator(StreamReader.Plan.multipartRange(layout, range, header), dataKey, factory);
    }

    @Override
    public Flux<DataBuffer> apply(Flux<DataBuffer> ciphertext) {
        return Flux.defer(() -> {
            if (!used.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("DecryptOperator can be subscribed once"));
            }
            StreamReader reader = new StreamReader(plan, dataKey, factory);
            return Flux.concat(
                            Flux.defer(() -> Flux.fromIterable(reader.start())),
                            ciphertext.concatMapIterable(reader::accept),
                            Flux.defer(() -> Flux.fromIterable(reader.finish())))
                    .doOnNext(buffer -> CryptoTraffic.decrypted(buffer.readableByteCount()))
                    .transform(Buffers::releaseDiscarded)
                    .doFinally(signal -> reader.close());
        });
    }

    static List<DataBuffer> none() {
        return List.of();
    }
}
