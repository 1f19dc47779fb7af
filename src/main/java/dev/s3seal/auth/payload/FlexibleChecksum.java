package dev.s3seal.auth.payload;

import java.util.Base64;
import java.util.List;

/**
 * One flexible checksum value ({@code x-amz-checksum-crc32: <base64>} and the like): the algorithm
 * and the big-endian digest.
 */
public record FlexibleChecksum(ChecksumAlgorithm algorithm, byte[] value) {

    public FlexibleChecksum {
        if (value == null || value.length != algorithm.length()) {
            throw new IllegalArgumentException("a " + algorithm + " checksum has " + algorithm.length() + " bytes");
        }
        value = value.clone();
    }

    /** Parses a header value; a value of the wrong shape is S3's InvalidRequest. */
    public static FlexibleChecksum parse(ChecksumAlgorithm algorithm, String base64) {
        return new FlexibleChecksum(algorithm, DeclaredDigests.decodeChecksum(algorithm, base64));
    }

    /**
     * S3's composite checksum of a multipart object: the algorithm over the concatenated binary part
     * checksums (answered with the suffix {@code -N}).
     */
    public static FlexibleChecksum composite(ChecksumAlgorithm algorithm, List<FlexibleChecksum> parts) {
        ChecksumAlgorithm.Running running = algorithm.start();
        for (FlexibleChecksum part : parts) {
            if (part.algorithm() != algorithm) {
                throw new IllegalArgumentException("parts of one upload share one algorithm");
            }
            running.update(java.nio.ByteBuffer.wrap(part.value));
        }
        return new FlexibleChecksum(algorithm, running.digest());
    }

    /**
     * S3's full-object checksum of a multipart object: the CRC of the whole object, combined from
     * the parts' CRCs and their lengths (only the CRC algorithms, {@link #supportsFullObject}).
     */
    public static FlexibleChecksum fullObject(
            ChecksumAlgorithm algorithm, List<FlexibleChecksum> parts, long[] lengths) {
        for (FlexibleChecksum part : parts) {
            if (part.algorithm() != algorithm) {
                throw new IllegalArgumentException("parts of one upload share one algorithm");
            }
        }
        return new FlexibleChecksum(
                algorithm,
                CrcCombination.combine(
                        algorithm, parts.stream().map(FlexibleChecksum::value).toList(), lengths));
    }

    /** True for the algorithms with a full-object checksum of multipart objects in S3 (the CRCs). */
    public static boolean supportsFullObject(ChecksumAlgorithm algorithm) {
        return CrcCombination.supports(algorithm);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value as S3 writes it in a header or XML element. */
    public String base64() {
        return Base64.getEncoder().encodeToString(value);
    }

    /** {@code x-amz-checksum-crc32} etc. */
    public String headerName() {
        return algorithm.headerName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlexibleChecksum c && c.algorithm == algorithm && java.util.Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return algorithm + ":" + base64();
    }
}
