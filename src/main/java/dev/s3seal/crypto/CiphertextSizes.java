package dev.s3seal.crypto;

import static dev.s3seal.crypto.ObjectFormat.HEADER_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.TAG_LENGTH;

/**
 * Closed-form sizes of format v1 in both directions (docs/format.md sections 3 and 6.2), so HEAD
 * and LIST report plaintext sizes without reading the object.
 */
public final class CiphertextSizes {

    private CiphertextSizes() {}

    /** Number of segments of a stream: {@code max(1, ceil(L / S))}. */
    public static long segmentCount(long plaintextLength, int segmentSize) {
        checkLength(plaintextLength);
        ObjectFormat.checkSegmentSize(segmentSize);
        return plaintextLength == 0 ? 1 : (plaintextLength + segmentSize - 1) / segmentSize;
    }

    /** Stored length of one stream (header + segments). */
    public static long ciphertextLength(long plaintextLength, int segmentSize) {
        return HEADER_LENGTH + plaintextLength + TAG_LENGTH * segmentCount(plaintextLength, segmentSize);
    }

    /**
     * Exact inverse of {@link #ciphertextLength}.
     *
     * @throws IllegalArgumentException if no plaintext length maps to {@code ciphertextLength}
     */
    public static long plaintextLength(long ciphertextLength, int segmentSize) {
        return invert(ciphertextLength - HEADER_LENGTH, segmentSize, false, ciphertextLength);
    }

    /**
     * Stored length of a regular multipart object (docs/format.md 6.2): every part but the last a
     * non-zero multiple of the segment size.
     */
    public static long multipartCiphertextLength(long[] partPlaintextLengths, int segmentSize) {
        if (partPlaintextLengths.length == 0) {
            throw new IllegalArgumentException("no parts");
        }
        long total = 0;
        for (int i = 0; i < partPlaintextLengths.length; i++) {
            long len = partPlaintextLengths[i];
            boolean last = i == partPlaintextLengths.length - 1;
            if (!last && (len == 0 || len % segmentSize != 0)) {
                throw new IllegalArgumentException(
                        "part " + (i + 1) + " is not a non-zero multiple of the segment size");
            }
            total = Math.addExact(total, ciphertextLength(len, segmentSize));
        }
        return total;
    }

    /**
     * Plaintext length of a regular multipart object from its stored length and its part count
     * (the ETag's {@code -N} suffix).
     */
    public static long multipartPlaintextLength(long ciphertextLength, int partCount, int segmentSize) {
        if (partCount < 1 || partCount > ObjectFormat.MAX_PART_NUMBER) {
            throw new IllegalArgumentException("part count out of range: " + partCount);
        }
        long body = ciphertextLength - (long) partCount * HEADER_LENGTH;
        long plaintext = invert(body, segmentSize, partCount > 1, ciphertextLength);
        if (partCount > 1 && plaintext < (long) (partCount - 1) * segmentSize) {
            throw new IllegalArgumentException(
                    "length " + ciphertextLength + " is too short for " + partCount + " parts");
        }
        return plaintext;
    }

    private static long invert(long body, int segmentSize, boolean allowEmptyTail, long original) {
        ObjectFormat.checkSegmentSize(segmentSize);
        if (body < TAG_LENGTH) {
            throw invalid(original);
        }
        long full = segmentSize + TAG_LENGTH;
        long q = body / full;
        long r = body % full;
        long plaintext;
        if (r == 0) {
            plaintext = q * segmentSize;
        } else if (r == TAG_LENGTH) {
            if (q != 0 && !allowEmptyTail) {
                throw invalid(original);
            }
            plaintext = q * segmentSize;
        } else if (r > TAG_LENGTH) {
            plaintext = q * segmentSize + r - TAG_LENGTH;
        } else {
            throw invalid(original);
        }
        checkLength(plaintext);
        return plaintext;
    }

    private static IllegalArgumentException invalid(long ciphertextLength) {
        return new IllegalArgumentException("not a valid s3seal v1 ciphertext length: " + ciphertextLength);
    }

    static void checkLength(long plaintextLength) {
        if (plaintextLength < 0 || plaintextLength > ObjectFormat.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("plaintext length out of range: " + plaintextLength);
        }
    }
}
