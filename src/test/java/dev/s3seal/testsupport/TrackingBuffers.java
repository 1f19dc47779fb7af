package dev.s3seal.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * A pooled Netty buffer factory that remembers every buffer it hands out, so a test can assert
 * that the code under test released all of them (inputs and outputs) however the stream ended.
 * Buffers are direct, as Reactor Netty hands them over.
 */
public final class TrackingBuffers implements DataBufferFactory {

    private final NettyDataBufferFactory delegate = new NettyDataBufferFactory(new PooledByteBufAllocator(true));
    private final List<NettyDataBuffer> allocated = new ArrayList<>();

    private synchronized <T extends DataBuffer> T track(T buffer) {
        allocated.add((NettyDataBuffer) buffer);
        return buffer;
    }

    @Override
    @SuppressWarnings("deprecation")
    public DataBuffer allocateBuffer() {
        return track(delegate.allocateBuffer());
    }

    @Override
    public DataBuffer allocateBuffer(int initialCapacity) {
        return track(delegate.allocateBuffer(initialCapacity));
    }

    @Override
    public DataBuffer wrap(ByteBuffer byteBuffer) {
        return track(delegate.wrap(byteBuffer));
    }

    @Override
    public DataBuffer wrap(byte[] bytes) {
        return track(delegate.wrap(bytes));
    }

    @Override
    public DataBuffer join(List<? extends DataBuffer> dataBuffers) {
        return track(delegate.join(dataBuffers));
    }

    @Override
    public boolean isDirect() {
        return delegate.isDirect();
    }

    /** A pooled buffer holding a copy of {@code bytes}, as Reactor Netty would hand the body over. */
    public DataBuffer buffer(byte[] bytes) {
        return allocateBuffer(bytes.length).write(bytes);
    }

    public synchronized int allocatedCount() {
        return allocated.size();
    }

    public synchronized void assertAllReleased() {
        for (NettyDataBuffer b : allocated) {
            assertThat(b.getNativeBuffer().refCnt())
                    .as("buffer refCnt of %s", b)
                    .isZero();
        }
        allocated.clear();
    }

    /**
     * The bytes as a lazily allocated flux of buffers whose sizes cycle through {@code chunkSizes},
     * so buffers not yet requested are never allocated (and cannot leak on cancel).
     */
    public Flux<DataBuffer> chunked(byte[] data, int... chunkSizes) {
        return Flux.generate(() -> new int[] {0, 0}, (st, sink) -> {
            int off = st[0];
            if (off >= data.length) {
                sink.complete();
                return st;
            }
            int n = Math.min(chunkSizes[st[1]++ % chunkSizes.length], data.length - off);
            DataBuffer b = allocateBuffer(Math.max(1, n));
            b.write(data, off, n);
            st[0] = off + n;
            sink.next(b);
            return st;
        });
    }

    /** Collects the bytes of {@code buffers} and releases them. */
    public static byte[] drain(List<DataBuffer> buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DataBuffer b : buffers) {
            byte[] bytes = new byte[b.readableByteCount()];
            b.read(bytes);
            out.writeBytes(bytes);
            DataBufferUtils.release(b);
        }
        return out.toByteArray();
    }
}
