package dev.s3seal.policy;

/**
 * Per-rule options. Defaults: {@link #DEFAULTS}.
 *
 * @param format                          the format written by {@code cse-*} rules
 * @param segmentSize                     plaintext bytes per segment of the s3seal format: a power of
 *                                        two between {@value #MIN_SEGMENT_SIZE} and {@value #MAX_SEGMENT_SIZE}
 * @param allowUnencryptedReads           migration: objects stored without s3seal's encryption may be read
 * @param allowClientSseHeaders           clients may send their own {@code x-amz-server-side-encryption*}
 *                                        headers; otherwise such requests are refused
 * @param allowUnauthenticatedS3ecRanges  ranged reads of {@code s3ec} objects (single GCM over the whole
 *                                        object) may return plaintext before the tag is checked
 */
public record RuleOptions(
        Format format,
        int segmentSize,
        boolean allowUnencryptedReads,
        boolean allowClientSseHeaders,
        boolean allowUnauthenticatedS3ecRanges) {

    public static final int DEFAULT_SEGMENT_SIZE = 65536;
    public static final int MIN_SEGMENT_SIZE = 4096;
    public static final int MAX_SEGMENT_SIZE = 4 * 1024 * 1024;

    public static final RuleOptions DEFAULTS =
            new RuleOptions(Format.S3SEAL, DEFAULT_SEGMENT_SIZE, false, false, false);

    public RuleOptions {
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
        if (!validSegmentSize(segmentSize)) {
            throw new IllegalArgumentException("segment size must be a power of two between " + MIN_SEGMENT_SIZE
                    + " and " + MAX_SEGMENT_SIZE + ": " + segmentSize);
        }
    }

    public static boolean validSegmentSize(long size) {
        return size >= MIN_SEGMENT_SIZE && size <= MAX_SEGMENT_SIZE && Long.bitCount(size) == 1;
    }
}
