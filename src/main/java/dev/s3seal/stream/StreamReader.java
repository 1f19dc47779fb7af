package dev.s3seal.stream;

import static dev.s3seal.crypto.AuthenticationFailedException.Reason.MALFORMED_HEADER;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.PART_SEQUENCE;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.TRAILING_DATA;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.TRUNCATED;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.FormatHeader;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping.RangePlan;
import dev.s3seal.crypto.SegmentDecryptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The state machine behind {@link DecryptOperator}: header, then segments, per stream (per part for
 * multipart), then end. Not thread safe; Reactor serializes calls.
 */
final class StreamReader {

    /**
     * What the input is expected to contain: streams {@code startPart..endPart} (0..0 for a
     * single-part object), starting at {@code firstSegment} of the first stream (the input starts at
     * that segment when {@code header} is given, else at the first stream's header) and ending after
     * {@code lastSegment} of the last stream ({@code -1}: its final segment). {@code keep < 0}: emit all.
     */
    record Plan(
            @Nullable MultipartManifest manifest,
            int segmentSize,
            long expectedLength,
            int startPart,
            long firstSegment,
            int endPart,
            long lastSegment,
            long skip,
            long keep,
            byte @Nullable [] header) {

        static Plan object() {
            return new Plan(null, 0, -1, 0, 0, 0, -1, 0, -1, null);
        }

        static Plan object(int segmentSize, long expectedLength) {
            return new Plan(null, segmentSize, expectedLength, 0, 0, 0, -1, 0, -1, null);
        }

        static Plan range(RangePlan r, byte @Nullable [] header) {
            return new Plan(
                    null,
                    r.segmentSize(),
                    r.plaintextLength(),
                    0,
                    r.firstSegment(),
                    0,
                    r.lastSegment(),
                    r.skip(),
                    r.keep(),
                    checkHeader(header));
        }

        static Plan multipart(MultipartManifest manifest, int segmentSize) {
            return new Plan(manifest, segmentSize, -1, 1, 0, manifest.partCount(), -1, 0, -1, null);
        }

        static Plan multipartRange(MultipartLayout layout, MultipartLayout.Plan r, byte @Nullable [] header) {
            return new Plan(
                    layout.manifest(),
                    layout.segmentSize(),
                    -1,
                    r.firstPart(),
                    r.firstSegment(),
                    r.lastPart(),
                    r.lastSegment(),
                    r.skip(),
                    r.keep(),
                    checkHeader(header));
        }

        private static byte @Nullable [] checkHeader(byte @Nullable [] header) {
            if (header != null && header.length != ObjectFormat.HEADER_LENGTH) {
                throw new IllegalArgumentException("header must be " + ObjectFormat.HEADER_LENGTH + " bytes");
            }
            return header == null ? null : header.clone();
        }
    }

    private enum State {
        HEADER,
        SEGMENT,
        DONE
    }

    private final Plan plan;
    private final byte[] dataKey;
    private final DataBufferFactory factory;
    private final byte[] headerBuffer = new byte[ObjectFormat.HEADER_LENGTH];
    private byte[] sealed = headerBuffer;
    private byte[] plain = new byte[0];
    private State state = State.HEADER;
    private int needed = ObjectFormat.HEADER_LENGTH;
    private int filled;
    private int part;
    private @Nullable SegmentDecryptor decryptor;
    private long segment;
    private long firstWanted;
    private long lastSegment;
    private long skip;
    private long keep;

    StreamReader(Plan plan, byte[] dataKey, DataBufferFactory factory) {
        this.plan = plan;
        this.part = plan.startPart();
        this.skip = plan.skip();
        this.keep = plan.keep();
        this.dataKey = dataKey;
        this.factory = factory;
    }

    /** Opens a separately fetched header, if any, before the first input byte. */
    List<DataBuffer> start() {
        if (plan.header() != null) {
            System.arraycopy(plan.header(), 0, headerBuffer, 0, headerBuffer.length);
            openStream();
        }
        return List.of();
    }

    /**
     * Consumes {@code in}: released here once read. When this throws, {@code in} is NOT released here:
     * {@code concatMapIterable} discards the element whose mapping failed and the operator's
     * {@code doOnDiscard} releases it. Releasing it here as well released it twice, and a buffer from
     * Reactor Netty is a slice sharing the reference count of the connection's codec buffer, which was
     * then freed while Netty still owned it (IllegalReferenceCountException when the channel closed).
     */
    List<DataBuffer> accept(DataBuffer in) {
        List<DataBuffer> out = new ArrayList<>(2);
        try {
            while (in.readableByteCount() > 0) {
                if (state == State.DONE) {
                    throw new AuthenticationFailedException(TRAILING_DATA, "data after the final segment");
                }
                int n = Math.min(needed - filled, in.readableByteCount());
                in.read(state == State.HEADER ? headerBuffer : sealed, filled, n);
                filled += n;
                if (filled == needed) {
                    filled = 0;
                    if (state == State.HEADER) {
                        openStream();
                    } else {
                        segmentComplete(out);
                    }
                }
            }
        } catch (RuntimeException e) {
            out.forEach(DataBufferUtils::release);
            throw e;
        }
        DataBufferUtils.release(in);
        return out;
    }

    List<DataBuffer> finish() {
        if (state != State.DONE) {
            throw new AuthenticationFailedException(TRUNCATED, "stream ended before the final segment");
        }
        return List.of();
    }

    private void openStream() {
        FormatHeader header = FormatHeader.parse(headerBuffer, 0);
        checkExpectations(header);
        closeDecryptor();
        decryptor = SegmentDecryptor.open(dataKey, header);
        boolean firstStream = part == plan.startPart();
        firstWanted = firstStream ? plan.firstSegment() : 0;
        segment = firstStream && plan.header() != null ? plan.firstSegment() : 0;
        lastSegment =
                part == plan.endPart() && plan.lastSegment() >= 0 ? plan.lastSegment() : header.segmentCount() - 1;
        if (lastSegment >= header.segmentCount() || firstWanted > lastSegment && part == plan.endPart()) {
            throw new AuthenticationFailedException(MALFORMED_HEADER, "header does not match the planned range");
        }
        int size = (int) Math.min(header.segmentSize(), header.plaintextLength()) + ObjectFormat.TAG_LENGTH;
        if (sealed == headerBuffer || sealed.length < size) {
            Arrays.fill(plain, (byte) 0);
            sealed = new byte[size];
            plain = new byte[size];
        }
        state = State.SEGMENT;
        needed = decryptor.ciphertextSegmentLength(segment);
    }

    private void checkExpectations(FormatHeader header) {
        MultipartManifest manifest = plan.manifest();
        if (manifest == null) {
            if (header.isPart()) {
                throw new AuthenticationFailedException(PART_SEQUENCE, "a multipart part read as a single object");
            }
            if (plan.expectedLength() >= 0
                    && (header.segmentSize() != plan.segmentSize()
                            || header.plaintextLength() != plan.expectedLength())) {
                throw new AuthenticationFailedException(MALFORMED_HEADER, "header does not match the object metadata");
            }
            return;
        }
        if (header.partNumber() != part) {
            throw new AuthenticationFailedException(
                    PART_SEQUENCE, "expected part " + part + " but found part " + header.partNumber());
        }
        if (header.segmentSize() != plan.segmentSize() || header.plaintextLength() != manifest.partLength(part)) {
            throw new AuthenticationFailedException(PART_SEQUENCE, "part " + part + " does not match the manifest");
        }
    }

    private void segmentComplete(List<DataBuffer> out) {
        if (segment >= firstWanted) {
            int n = decryptor.decryptSegment(segment, sealed, 0, needed, plain, 0);
            emit(out, n);
        }
        segment++;
        if (segment <= lastSegment) {
            needed = decryptor.ciphertextSegmentLength(segment);
            return;
        }
        closeDecryptor();
        if (part < plan.endPart()) {
            part++;
            state = State.HEADER;
            needed = ObjectFormat.HEADER_LENGTH;
        } else {
            state = State.DONE;
            needed = 0;
        }
    }

    private void emit(List<DataBuffer> out, int n) {
        int offset = 0;
        int length = n;
        if (keep >= 0) {
            offset = (int) Math.min(skip, n);
            skip -= offset;
            length = (int) Math.min(n - offset, keep);
            keep -= length;
        }
        if (length > 0) {
            out.add(factory.allocateBuffer(length).write(plain, offset, length));
        }
    }

    private void closeDecryptor() {
        if (decryptor != null) {
            decryptor.close();
            decryptor = null;
        }
    }

    void close() {
        closeDecryptor();
        Arrays.fill(dataKey, (byte) 0);
        Arrays.fill(plain, (byte) 0);
    }
}
