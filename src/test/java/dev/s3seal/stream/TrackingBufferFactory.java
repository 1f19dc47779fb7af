package dev.s3seal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

/** Test helper: pooled Netty buffers that remember every allocation so a test can prove none leaked. */
final class TrackingBufferFactory implements DataBufferFactory {

    private final NettyDataBufferFactory delegate = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
    private final List<NettyDataBuffer> allocated = new ArrayList<>();

    private synchronized DataBuffer track(DataBuffer buffer) {
        allocated.add((NettyDataBuffer) buffer);
        return buffer;
    }

    /** A pooled buffer holding a copy of {@code bytes}, as Reactor Netty would hand the body over. */
    DataBuffer buffer(byte[] bytes) {
        return allocateBuffer(bytes.length).write(bytes);
    }

    synchronized void assertAllReleased() {
        assertThat(allocated).isNotEmpty();
        for (NettyDataBuffer buffer : allocated) {
            assertThat(buffer.getNativeBuffer().refCnt()).as("refCnt of %s", buffer).isZero();
        }
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
}
