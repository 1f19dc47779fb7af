package dev.s3seal.crypto;

import static dev.s3seal.crypto.AuthenticationFailedException.Reason.MALFORMED_HEADER;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.UNSUPPORTED_VERSION;
import static dev.s3seal.crypto.ObjectFormat.COMMITMENT_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.HEADER_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.MAGIC;
import static dev.s3seal.crypto.ObjectFormat.NONCE_PREFIX_LENGTH;
import static dev.s3seal.crypto.ObjectFormat.SALT_LENGTH;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The 91-byte header of one encrypted stream (docs/format.md 2.1). Parsing is strict: wrong magic,
 * unknown version, reserved flag bits, out-of-range sizes or an inconsistent part number are all
 * refused, so a modified header never reaches key derivation.
 *
 * @param partNumber 0 for a single-part object, 1..10000 for a part of a multipart object
 */
public record FormatHeader(
        int version,
        int segmentSize,
        int partNumber,
        long plaintextLength,
        byte[] salt,
        byte[] noncePrefix,
        byte[] commitment) {

    static final int FLAG_PART = 0x01;
    private static final long MAX_SEGMENTS = 1L << 32;

    public FormatHeader {
        if (version != ObjectFormat.VERSION_1) {
            throw new IllegalArgumentException("unsupported version " + version);
        }
        ObjectFormat.checkSegmentSize(segmentSize);
        if (partNumber < 0 || partNumber > ObjectFormat.MAX_PART_NUMBER) {
            throw new IllegalArgumentException("part number out of range: " + partNumber);
        }
        CiphertextSizes.checkLength(plaintextLength);
        if (CiphertextSizes.segmentCount(plaintextLength, segmentSize) > MAX_SEGMENTS) {
            throw new IllegalArgumentException("too many segments for a 32-bit segment index");
        }
        if (salt.length != SALT_LENGTH
                || noncePrefix.length != NONCE_PREFIX_LENGTH
                || commitment.length != COMMITMENT_LENGTH) {
            throw new IllegalArgumentException("bad salt, nonce prefix or commitment length");
        }
        salt = salt.clone();
        noncePrefix = noncePrefix.clone();
        commitment = commitment.clone();
    }

    public boolean isPart() {
        return partNumber != 0;
    }

    public long segmentCount() {
        return CiphertextSizes.segmentCount(plaintextLength, segmentSize);
    }

    public long ciphertextLength() {
        return CiphertextSizes.ciphertextLength(plaintextLength, segmentSize);
    }

    /** Plaintext bytes in segment {@code index}. */
    public int plaintextSegmentLength(long index) {
        long n = segmentCount();
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("segment " + index + " of " + n);
        }
        return index < n - 1 ? segmentSize : (int) (plaintextLength - (n - 1) * (long) segmentSize);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] noncePrefix() {
        return noncePrefix.clone();
    }

    @Override
    public byte[] commitment() {
        return commitment.clone();
    }

    /** The 12 bytes magic..part number that are bound into the HKDF info strings. */
    byte[] fixedFields() {
        return Arrays.copyOf(toBytes(), ObjectFormat.FIXED_FIELDS_LENGTH);
    }

    /** Serializes the header with the given commitment (used while the commitment is computed). */
    static byte[] serialize(
            int segmentSize, int partNumber, long plaintextLength, byte[] salt, byte[] noncePrefix, byte[] commitment) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        b.put(MAGIC).put((byte) ObjectFormat.VERSION_1).put((byte) (partNumber != 0 ? FLAG_PART : 0));
        b.putInt(segmentSize).putShort((short) partNumber).putLong(plaintextLength);
        b.put(salt).put(noncePrefix).put(commitment);
        return b.array();
    }

    public byte[] toBytes() {
        return serialize(segmentSize, partNumber, plaintextLength, salt, noncePrefix, commitment);
    }

    /**
     * Parses and validates a header.
     *
     * @throws AuthenticationFailedException with {@code UNSUPPORTED_VERSION} for any version but 1,
     *                                       {@code MALFORMED_HEADER} for anything else that is wrong
     */
    public static FormatHeader parse(byte[] bytes, int offset) {
        if (bytes.length - offset < HEADER_LENGTH) {
            throw new AuthenticationFailedException(MALFORMED_HEADER, "header too short");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, HEADER_LENGTH);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new AuthenticationFailedException(MALFORMED_HEADER, "not an s3seal object (bad magic)");
        }
        int version = b.get() & 0xFF;
        if (version != ObjectFormat.VERSION_1) {
            throw new AuthenticationFailedException(UNSUPPORTED_VERSION, "unsupported format version " + version);
        }
        int flags = b.get() & 0xFF;
        if ((flags & ~FLAG_PART) != 0) {
            throw new AuthenticationFailedException(MALFORMED_HEADER, "reserved flag bits set");
        }
        int segmentSize = b.getInt();
        int partNumber = b.getShort() & 0xFFFF;
        long plaintextLength = b.getLong();
        boolean part = (flags & FLAG_PART) != 0;
        if (part != (partNumber != 0)) {
            throw new AuthenticationFailedException(MALFORMED_HEADER, "part flag and part number disagree");
        }
        byte[] salt = new byte[SALT_LENGTH];
        byte[] prefix = new byte[NONCE_PREFIX_LENGTH];
        byte[] commitment = new byte[COMMITMENT_LENGTH];
        b.get(salt).get(prefix).get(commitment);
        try {
            return new FormatHeader(version, segmentSize, partNumber, plaintextLength, salt, prefix, commitment);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailedException(MALFORMED_HEADER, e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormatHeader h && Arrays.equals(toBytes(), h.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "FormatHeader[v" + version + ", segmentSize=" + segmentSize + ", part=" + partNumber
                + ", plaintextLength=" + plaintextLength + "]";
    }
}
