package dev.s3seal.crypto;

/**
 * Constants of s3seal object format version 1 (see docs/format.md). Changing any of these is a
 * new format version.
 */
public final class ObjectFormat {

    /** ASCII "S3SL". */
    public static final byte[] MAGIC = {0x53, 0x33, 0x53, 0x4C};

    public static final int VERSION_1 = 1;
    public static final int HEADER_LENGTH = 91;
    public static final int TAG_LENGTH = 16;
    public static final int NONCE_LENGTH = 12;
    public static final int NONCE_PREFIX_LENGTH = 7;
    public static final int SALT_LENGTH = 32;
    public static final int COMMITMENT_LENGTH = 32;
    public static final int DATA_KEY_LENGTH = 32;
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;
    public static final int MIN_SEGMENT_SIZE = 16;
    public static final int MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
    /** S3's object size limit, 5 TiB. */
    public static final long MAX_PLAINTEXT_LENGTH = 5L << 40;

    public static final int MAX_PART_NUMBER = 10_000;
    /** Header offset where the fields bound into HKDF info end (magic..part number). */
    static final int FIXED_FIELDS_LENGTH = 12;

    private ObjectFormat() {}

    static void checkSegmentSize(int segmentSize) {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size out of range: " + segmentSize);
        }
    }

    static void checkDataKey(byte[] dataKey) {
        if (dataKey == null || dataKey.length != DATA_KEY_LENGTH) {
            throw new IllegalArgumentException("data key must be 32 bytes");
        }
    }
}
