package dev.s3seal.crypto;

import static dev.s3seal.crypto.ObjectFormat.HEADER_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.TAG_LENGTH;

import dev.s3seal.crypto.RangeMapping.PlaintextRange;

/**
 * Where each part of a regular multipart object lives, from its opened manifest
 * (docs/format.md 6.3), and the fetch plan for a plaintext range.
 */
public final class MultipartLayout {

    private final MultipartManifest manifest;
    private final int segmentSize;
    private final long[] plaintextOffsets;
    private final long[] ciphertextOffsets;

    public MultipartLayout(MultipartManifest manifest, int segmentSize) {
        ObjectFormat.checkSegmentSize(segmentSize);
        this.manifest = manifest;
        this.segmentSize = segmentSize;
        int n = manifest.partCount();
        plaintextOffsets = new long[n + 1];
        ciphertextOffsets = new long[n + 1];
        for (int k = 1; k <= n; k++) {
            plaintextOffsets[k] = plaintextOffsets[k - 1] + manifest.partLength(k);
            ciphertextOffsets[k] =
                    ciphertextOffsets[k - 1] + CiphertextSizes.ciphertextLength(manifest.partLength(k), segmentSize);
        }
    }

    public MultipartManifest manifest() {
        return manifest;
    }

    public int segmentSize() {
        return segmentSize;
    }

    public long plaintextLength() {
        return plaintextOffsets[manifest.partCount()];
    }

    public long ciphertextLength() {
        return ciphertextOffsets[manifest.partCount()];
    }

    /** Ciphertext offset of part {@code part}'s header (1-based part). */
    public long partCiphertextOffset(int part) {
        return ciphertextOffsets[part - 1];
    }

    /**
     * A range across parts.
     *
     * @param firstPart          part holding the range start; its header is at {@code headerStart}
     * @param firstSegment       segment of {@code firstPart} holding the range start
     * @param lastPart           part holding the range end
     * @param lastSegment        segment of {@code lastPart} holding the range end
     * @param ciphertextStart    first byte of {@code firstSegment} of {@code firstPart}
     * @param ciphertextEndInclusive last byte of {@code lastSegment} of {@code lastPart}
     */
    public record Plan(
            int firstPart,
            long firstSegment,
            int lastPart,
            long lastSegment,
            long headerStart,
            long ciphertextStart,
            long ciphertextEndInclusive,
            long skip,
            long keep) {

        public long[] headerRange() {
            return new long[] {headerStart, headerStart + HEADER_LENGTH - 1};
        }

        public long[] segmentRange() {
            return new long[] {ciphertextStart, ciphertextEndInclusive};
        }

        /** From the first part's header to the end: one request, {@link #singleRequestWaste()} extra bytes. */
        public long[] singleRequestRange() {
            return new long[] {headerStart, ciphertextEndInclusive};
        }

        public long singleRequestWaste() {
            return ciphertextStart - headerStart - HEADER_LENGTH;
        }
    }

    public Plan plan(PlaintextRange range) {
        if (range.endInclusive() >= plaintextLength()) {
            throw new IllegalArgumentException("range beyond end of object");
        }
        int first = partOf(range.start());
        int last = partOf(range.endInclusive());
        long inFirst = range.start() - plaintextOffsets[first - 1];
        long inLast = range.endInclusive() - plaintextOffsets[last - 1];
        long full = (long) segmentSize + TAG_LENGTH;
        long firstSegment = inFirst / segmentSize;
        long lastSegment = inLast / segmentSize;
        long ctStart = ciphertextOffsets[first - 1] + HEADER_LENGTH + firstSegment * full;
        long ctEnd = Math.min(
                        ciphertextOffsets[last - 1] + HEADER_LENGTH + (lastSegment + 1) * full, ciphertextOffsets[last])
                - 1;
        return new Plan(
                first,
                firstSegment,
                last,
                lastSegment,
                ciphertextOffsets[first - 1],
                ctStart,
                ctEnd,
                inFirst - firstSegment * segmentSize,
                range.length());
    }

    private int partOf(long offset) {
        int lo = 1;
        int hi = manifest.partCount();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (plaintextOffsets[mid] <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
