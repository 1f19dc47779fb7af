package dev.s3seal.stream;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Helpers shared by the operator tests. */
final class StreamTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StreamTestSupport() {}

    /** Copies every buffer into one array, releasing each as it goes. */
    static Mono<byte[]> collect(Flux<DataBuffer> flux) {
        return flux.reduce(new ByteArrayOutputStream(), (out, buf) -> {
                    try {
                        byte[] b = new byte[buf.readableByteCount()];
                        buf.read(b);
                        out.writeBytes(b);
                        return out;
                    } finally {
                        DataBufferUtils.release(buf);
                    }
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Splits a stream's ciphertext into header and segments. */
    static List<byte[]> split(byte[] stream, int segmentSize) {
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(java.util.Arrays.copyOf(stream, 91));
        int off = 91;
        while (off < stream.length) {
            int n = Math.min(segmentSize + 16, stream.length - off);
            pieces.add(java.util.Arrays.copyOfRange(stream, off, off + n));
            off += n;
        }
        return pieces;
    }
}
