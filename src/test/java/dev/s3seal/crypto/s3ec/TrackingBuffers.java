package dev.s3seal.crypto.s3ec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Leak-aware buffers for operator tests: every buffer handed out (inputs, and operator outputs through
 * this factory) is recorded, and {@link #assertAllReleased()} fails if any is still referenced.
 */
final class TrackingBuffers implements DataBufferFactory {

    private final NettyDataBufferFactory netty = new NettyDataBufferFactory(new PooledByteBufAllocator(false));
    private final List<NettyDataBuffer> issued = new CopyOnWriteArrayList<>();

    /** {@code data} as a flux of pooled buffers of {@code chunk} bytes (the last may be shorter). */
    Flux<DataBuffer> flux(byte[] data, int chunk) {
        return Flux.range(0, Math.max(1, (data.length + chunk - 1) / chunk))
                .filter(i -> data.length > 0)
                .map(i -> {
                    int off = i * chunk;
                    int len = Math.min(chunk, data.length - off);
                    DataBuffer b = allocateBuffer(len);
                    b.write(data, off, len);
                    return b;
                });
    }

    /** Collects and releases. */
    static byte[] drain(List<DataBuffer> buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DataBuffer b : buffers) {
            byte[] bytes = new byte[b.readableByteCount()];
            b.read(bytes);
            out.writeBytes(bytes);
            DataBufferUtils.release(b);
        }
        return out.toByteArray();
    }

    void assertAllReleased() {
        for (NettyDataBuffer b : issued) {
            assertThat(b.getNativeBuffer().refCnt()).as("buffer still referenced").isZero();
        }
    }

    int issuedCount() {
        return issued.size();
    }

    private <T extends DataBuffer> T track(T b) {
        issued.add((NettyDataBuffer) b);
        return b;
    }

    @Override
    @SuppressWarnings("deprecation")
    public DataBuffer allocateBuffer() {
        return track(netty.allocateBuffer());
    }

    @Override
    public DataBuffer allocateBuffer(int initialCapacity) {
        return track(netty.allocateBuffer(initialCapacity));
    }

    @Override
    public DataBuffer wrap(ByteBuffer byteBuffer) {
        return track(netty.wrap(byteBuffer));
    }

    @Override
    public DataBuffer wrap(byte[] bytes) {
        return track(netty.wrap(bytes));
    }

    @Override
    public DataBuffer join(List<? extends DataBuffer> dataBuffers) {
        return track(netty.join(dataBuffers));
    }

    @Override
    public boolean isDirect() {
        return netty.isDirect();
    }
}
