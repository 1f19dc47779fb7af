package dev.s3seal.stream;

import static dev.s3seal.crypto.AuthenticationFailedException.Reason.MALFORMED_HEADER;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.PART_SEQUENCE;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.TRAILING_DATA;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.TRUNCATED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.FormatHeader;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping.RangePlan;
import dev.s3seal.crypto.SegmentDecryptor;

/**
 * The state machine behind {@link DecryptOperator}: header, then segments, per stream (per part for
 * multipart), then end. Not thread safe; Reactor serializes calls.
 */
final class StreamReader {

    /** What the input is expected to contain. */
    record Plan(MultipartManifest manifest, int segmentSize, RangePlan range, byte[] header) {

        static Plan object() {
            return new Plan(null, 0, null, null);
        }

        static Plan range(RangePlan range, byte[] header) {
            if (header != null && header.length != ObjectFormat.HEADER_LENGTH) {
                throw new IllegalArgumentException("header must be " + ObjectFormat.HEADER_LENGTH + " bytes");
            }
            return new Plan(null, range.segmentSize(), range, header == null ? null : header.clone());
        }

        static Plan multipart(MultipartManifest manifest, int segmentSize) {
            return new Plan(manifest, segmentSize, null, null);
        }
    }

    private enum State { HEADER, SEGMENT, DONE }

    private final Plan plan;
    private final byte[] dataKey;
    private final DataBufferFactory factory;
    private final byte[] headerBuffer = new byte[ObjectFormat.HEADER_LENGTH];
    private byte[] sealed = headerBuffer;
    private byte[] plain = new byte[0];
    private State state = State.HEADER;
    private int needed = ObjectFormat.HEADER_LENGTH;
    private int filled;
    private int part = 1;
    private SegmentDecryptor decryptor;
    private long segment;
    private long firstWanted;
    private long lastSegment;
    private long skip;
    private long keep = -1;

    StreamReader(Plan plan, byte[] dataKey, DataBufferFactory factory) {
        this.plan = plan;
        this.dataKey = dataKey;
        this.factory = factory;
    }

    /** Opens a separately fetched header, if any, before the first input byte. */
    List<DataBuffer> start() {
        if (plan.header() != null) {
            System.arraycopy(plan.header(), 0, headerBuffer, 0, headerBuffer.length);
            openStream();
        }
        return DecryptOperator.none();
    }

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
            return out;
        } catch (RuntimeException e) {
            out.forEach(DataBufferUtils::release);
            throw e;
        } finally {
            DataBufferUtils.release(in);
        }
    }

    List<DataBuffer> finish() {
        if (state != State.DONE) {
            throw new AuthenticationFailedException(TRUNCATED, "stream ended before the final segment");
        }
        return DecryptOperator.none();
    }

    private void openStream() {
        FormatHeader header = FormatHeader.parse(headerBuffer, 0);
        checkExpectations(header);
        closeDecryptor();
        decryptor = SegmentDecryptor.open(dataKey, header);
        lastSegment = header.segmentCount() - 1;
        segment = 0;
        firstWanted = 0;
        if (plan.range() != null) {
            RangePlan r = plan.range();
            lastSegment = r.lastSegment();
            firstWanted = r.firstSegment();
            segment = plan.header() != null ? r.firstSegment() : 0;
            skip = r.skip();
            keep = r.keep();
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
            RangePlan r = plan.range();
            if (r != null && (header.segmentSize() != r.segmentSize() || header.plaintextLength() != r.plaintextLength())) {
                throw new AuthenticationFailedException(MALFORMED_HEADER, "header does not match the object metadata");
            }
            return;
        }
        if (header.partNumber() != part) {
            throw new AuthenticationFailedException(PART_SEQUENCE,
                    "expected part " + part + " but found part " + header.partNumber());
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
        if (plan.manifest() != null && part < plan.manifest().partCount()) {
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
