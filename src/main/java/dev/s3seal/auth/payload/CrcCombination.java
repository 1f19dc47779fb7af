package dev.s3seal.auth.payload;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The CRC of a concatenation from the CRCs of its pieces and their lengths (zlib's
 * {@code crc32_combine}, by GF(2) matrices), for S3's full-object checksums of multipart uploads:
 * the CRC of the whole object from the checksums the parts were verified with, without reading the
 * object again. Holds for the reflected CRCs S3 uses, whose initial value and final xor are all ones.
 */
final class CrcCombination {

    private CrcCombination() {}

    /** True for the algorithms S3 offers full-object multipart checksums for. */
    static boolean supports(ChecksumAlgorithm algorithm) {
        return algorithm == ChecksumAlgorithm.CRC32
                || algorithm == ChecksumAlgorithm.CRC32C
                || algorithm == ChecksumAlgorithm.CRC64NVME;
    }

    /** The CRC of the pieces one after the other, from their big-endian CRCs; {@code lengths[i]} is piece {@code i}'s length. */
    static byte[] combine(ChecksumAlgorithm algorithm, List<byte[]> pieces, long[] lengths) {
        if (!supports(algorithm) || pieces.size() != lengths.length || pieces.isEmpty()) {
            throw new IllegalArgumentException("no full-object " + algorithm + " of these pieces");
        }
        int width = algorithm.length() * 8;
        long poly = switch (algorithm) {
            case CRC32 -> 0xEDB88320L;
            case CRC32C -> 0x82F63B78L;
            default -> 0x9a6c9329ac4bc9b5L;
        };
        long crc = value(pieces.get(0));
        for (int i = 1; i < lengths.length; i++) {
            crc = combine(crc, value(pieces.get(i)), lengths[i], poly, width);
        }
        ByteBuffer out = ByteBuffer.allocate(8).putLong(crc);
        return java.util.Arrays.copyOfRange(out.array(), 8 - algorithm.length(), 8);
    }

    private static long value(byte[] piece) {
        long v = 0;
        for (byte b : piece) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    private static long combine(long crc1, long crc2, long length2, long poly, int width) {
        if (length2 == 0) {
            return crc1;
        }
        long[] even = new long[width];
        long[] odd = new long[width];
        odd[0] = poly; // the operator for one zero bit
        long row = 1;
        for (int n = 1; n < width; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd, width); // two zero bits
        square(odd, even, width); // four zero bits
        long len = length2;
        // apply len zero bytes to crc1 (the first squaring gives the operator for one zero byte)
        do {
            square(even, odd, width);
            if ((len & 1) != 0) {
                crc1 = times(even, crc1);
            }
            len >>>= 1;
            if (len == 0) {
                break;
            }
            square(odd, even, width);
            if ((len & 1) != 0) {
                crc1 = times(odd, crc1);
            }
            len >>>= 1;
        } while (len != 0);
        return crc1 ^ crc2;
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(long[] square, long[] matrix, int width) {
        for (int n = 0; n < width; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }
}
