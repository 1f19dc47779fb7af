package dev.s3seal.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * A body handed over the way Reactor Netty hands over an HTTP body: every buffer is a retained slice
 * of one codec (cumulation) buffer and shares its reference count, and the codec keeps its own
 * reference until the channel closes. Releasing a slice twice therefore does not fail at the slice
 * (Spring's {@code DataBufferUtils.release} sees it still allocated) but takes the codec's reference,
 * which Netty then finds at refCnt 0 ({@code IllegalReferenceCountException} in
 * {@code ByteToMessageDecoder.handlerRemoved}). {@link TrackingBuffers} cannot see that: its buffers
 * each have their own count.
 */
public final class CodecCumulation {

    private final ByteBuf cumulation;
    private final NettyDataBufferFactory wrapper;

    public CodecCumulation(byte[] body) {
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        this.cumulation = allocator.directBuffer(Math.max(1, body.length)).writeBytes(body);
        this.wrapper = new NettyDataBufferFactory(allocator);
    }

    /** The body as slices of {@code size} bytes, each retained only when requested (as the codec does). */
    public Flux<DataBuffer> slices(int size) {
        return Flux.generate(() -> 0, (offset, sink) -> {
            if (offset >= cumulation.writerIndex()) {
                sink.complete();
                return offset;
            }
            int n = Math.min(size, cumulation.writerIndex() - offset);
            sink.next(wrapper.wrap(cumulation.slice(offset, n).retain()));
            return offset + n;
        });
    }

    /**
     * Asserts that every slice handed out was released exactly once (only the codec's own reference
     * is left: fewer means a double release, more a leak), then releases that reference as closing
     * the channel would.
     */
    public void assertEverySliceReleasedOnce() {
        int left = cumulation.refCnt();
        if (left > 0) {
            cumulation.release(left);
        }
        assertThat(left).as("references left on the codec buffer (1 = its own)").isEqualTo(1);
    }
}
