package dev.s3seal.crypto;

import static dev.s3seal.crypto.ObjectFormat.HEADER_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.TAG_LENGTH;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Maps a client's plaintext byte range onto the ciphertext of a single-part stream
 * (docs/format.md 4).
 */
public final class RangeMapping {

    private RangeMapping() {}

    /** An absolute, satisfiable plaintext range {@code [start, endInclusive]}. */
    public record PlaintextRange(long start, long endInclusive) {
        public PlaintextRange {
            if (start < 0 || endInclusive < start) {
                throw new IllegalArgumentException("bad range " + start + "-" + endInclusive);
            }
        }

        public long length() {
            return endInclusive - start + 1;
        }
    }

    /**
     * What to fetch and what to keep for one range.
     *
     * @param firstSegment          index of the first covering segment
     * @param lastSegment           index of the last covering segment
     * @param ciphertextStart       first ciphertext byte of {@code firstSegment}
     * @param ciphertextEndInclusive last ciphertext byte of {@code lastSegment}
     * @param skip                  plaintext bytes to drop from the first decrypted segment
     * @param keep                  plaintext bytes to emit in total
     * @param segmentSize           segment size the plan was computed for (checked against the header)
     * @param plaintextLength       stream length the plan was computed for (checked against the header)
     */
    public record RangePlan(
            long firstSegment,
            long lastSegment,
            long ciphertextStart,
            long ciphertextEndInclusive,
            long skip,
            long keep,
            int segmentSize,
            long plaintextLength) {

        /** True when one upstream GET of {@link #singleRequestRange()} carries header and segments with no waste. */
        public boolean startsAtFirstSegment() {
            return firstSegment == 0;
        }

        /** The header's ciphertext range {@code [0, H-1]}. */
        public long[] headerRange() {
            return new long[] {0, HEADER_LENGTH - 1};
        }

        /** The covering segments' ciphertext range, inclusive. */
        public long[] segmentRange() {
            return new long[] {ciphertextStart, ciphertextEndInclusive};
        }

        /** {@code [0, ciphertextEndInclusive]}: header and everything up to the last covering segment. */
        public long[] singleRequestRange() {
            return new long[] {0, ciphertextEndInclusive};
        }

        /** Bytes fetched but not needed when {@link #singleRequestRange()} is used instead of two requests. */
        public long singleRequestWaste() {
            return ciphertextStart - HEADER_LENGTH;
        }
    }

    /**
     * Resolves an HTTP byte range against the plaintext length with S3's rules: {@code a-b}
     * ({@code last} clamped to the end), {@code a-} ({@code last == null}), {@code -n}
     * ({@code first == null}, {@code last} = suffix length).
     *
     * @return empty when the range is unsatisfiable (answer 416 InvalidRange)
     * @throws IllegalArgumentException for {@code last < first}: syntactically invalid, which S3
     *                                  (RFC 9110) ignores, answering the whole object; the parser decides
     */
    public static Optional<PlaintextRange> resolve(@Nullable Long first, @Nullable Long last, long plaintextLength) {
        if (first == null) {
            if (last == null || last <= 0 || plaintextLength == 0) {
                return Optional.empty();
            }
            return Optional.of(new PlaintextRange(Math.max(0, plaintextLength - last), plaintextLength - 1));
        }
        if (last != null && last < first) {
            throw new IllegalArgumentException("range end before start");
        }
        if (first < 0 || first >= plaintextLength) {
            return Optional.empty();
        }
        long end = last == null ? plaintextLength - 1 : Math.min(last, plaintextLength - 1);
        return Optional.of(new PlaintextRange(first, end));
    }

    /** Plans the fetch of a resolved range inside a stream of {@code plaintextLength} bytes. */
    public static RangePlan plan(PlaintextRange range, int segmentSize, long plaintextLength) {
        ObjectFormat.checkSegmentSize(segmentSize);
        if (range.endInclusive() >= plaintextLength) {
            throw new IllegalArgumentException("range beyond end of object");
        }
        long first = range.start() / segmentSize;
        long last = range.endInclusive() / segmentSize;
        long full = (long) segmentSize + TAG_LENGTH;
        long ctStart = HEADER_LENGTH + first * full;
        long ctEnd = Math.min(
                        HEADER_LENGTH + (last + 1) * full,
                        CiphertextSizes.ciphertextLength(plaintextLength, segmentSize))
                - 1;
        return new RangePlan(
                first,
                last,
                ctStart,
                ctEnd,
                range.start() - first * segmentSize,
                range.length(),
                segmentSize,
                plaintextLength);
    }
}
