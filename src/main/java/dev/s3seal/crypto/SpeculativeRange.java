package dev.s3seal.crypto;

import static dev.s3seal.crypto.ObjectFormat.HEADER_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.TAG_LENGTH;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The ciphertext a ranged read asks for before it knows the object (docs/format.md 4.1): one
 * upstream GET whose answer brings the envelope (with the stream header's copy) and, when the object
 * has the expected layout, every covering byte, so the read costs one request. Pure arithmetic; the
 * answer is then checked with {@link #use}, and a window that does not cover the plan is never used.
 *
 * <p>The guess assumes a single-part stream of segment size {@code S}. A regular multipart object
 * (docs/format.md 6.2) puts segment {@code g} of the plaintext {@code (k-1) * H} bytes later when it is
 * in part {@code k}: {@link #MULTIPART_SLACK} extra bytes at the end cover parts up to
 * {@code 1 + MULTIPART_SLACK / H} (90), so the window still holds the segments and only part
 * {@code k}'s header is fetched on its own.
 */
public final class SpeculativeRange {

    /** Extra bytes asked after the guessed end, so that ranges in multipart objects stay covered. */
    public static final long MULTIPART_SLACK = 8 * 1024;

    /** Past this, an offset cannot be in any object (5 TiB plus every per-part overhead): not guessed. */
    private static final long BEYOND_ANY_OBJECT = 6L << 40;

    private SpeculativeRange() {}

    /** The inclusive ciphertext bytes an upstream answer carries. */
    public record Window(long start, long endInclusive) {}

    /**
     * How a window serves a plan: drop {@code skip} bytes, decrypt the next {@code take}. With
     * {@code headerInline} the input starts at the first covering stream's header (read from the body);
     * otherwise at its first covering segment, and the header comes from elsewhere.
     */
    public record Use(long skip, long take, boolean headerInline) {}

    /**
     * The {@code Range} header value to send upstream for the client's {@code bytes=first-last}
     * ({@code first == null}: a suffix of {@code last} bytes; {@code last == null}: to the end), or
     * empty when no guess is sensible (the range is unsatisfiable or absurd: the two-request path answers it).
     */
    public static Optional<String> upstreamRange(@Nullable Long first, @Nullable Long last, int segmentSize) {
        ObjectFormat.checkSegmentSize(segmentSize);
        long full = (long) segmentSize + TAG_LENGTH;
        if (first == null) {
            if (last == null || last <= 0) {
                return Optional.empty();
            }
            long suffix = Math.min(last, BEYOND_ANY_OBJECT);
            // the covering segments of a plaintext suffix of n bytes: at most n + S - 1 plaintext bytes in
            // ceil(n/S) + 1 segments, each with its tag
            long segments = (suffix + segmentSize - 1) / segmentSize + 1;
            long ciphertext = suffix + segmentSize - 1 + TAG_LENGTH * segments + MULTIPART_SLACK;
            return Optional.of("bytes=-" + ciphertext);
        }
        if (first < 0 || first > BEYOND_ANY_OBJECT || (last != null && last < first)) {
            return Optional.empty();
        }
        long firstSegment = first / segmentSize;
        // the first segment's range starts at byte 0, header included: no copy of the header is needed
        long start = firstSegment == 0 ? 0 : HEADER_LENGTH + firstSegment * full;
        if (last == null || last > BEYOND_ANY_OBJECT) {
            return Optional.of("bytes=" + start + "-");
        }
        long end = HEADER_LENGTH + (last / segmentSize + 1) * full - 1 + MULTIPART_SLACK;
        return Optional.of("bytes=" + start + "-" + end);
    }

    /**
     * How {@code window} serves a plan whose first covering stream's header starts at {@code headerStart},
     * whose first covering segment starts at {@code segmentStart} and whose last covering byte is
     * {@code endInclusive}; empty when the window does not hold every covering byte.
     */
    public static Optional<Use> use(Window window, long headerStart, long segmentStart, long endInclusive) {
        if (window.endInclusive() < endInclusive) {
            return Optional.empty();
        }
        if (window.start() <= headerStart) {
            return Optional.of(new Use(headerStart - window.start(), endInclusive - headerStart + 1, true));
        }
        if (window.start() <= segmentStart) {
            return Optional.of(new Use(segmentStart - window.start(), endInclusive - segmentStart + 1, false));
        }
        return Optional.empty();
    }
}
