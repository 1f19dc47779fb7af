package dev.s3seal.crypto;

import static dev.s3seal.crypto.ObjectFormat.TAG_LENGTH;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts one stream of format v1 (docs/format.md 2), segment by segment, in order.
 *
 * <p>Contract: create it with the data key and the exact plaintext length; write {@link #header()}
 * first, then call {@link #encryptSegment} once per segment with exactly
 * {@link #nextSegmentPlaintextLength()} bytes until {@link #isFinished()}. The final segment is
 * sealed with the final flag. The derived content key is wiped by {@link #close()} (and after the
 * final segment). The caller owns and wipes the data key; this class never keeps it. Not thread
 * safe; one instance per stream.
 */
public final class SegmentEncryptor implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final FormatHeader header;
    private final byte[] headerBytes;
    private final byte[] noncePrefix;
    private final long segmentCount;
    private byte @Nullable [] contentKey; // null once closed
    private @Nullable SecretKeySpec keySpec;
    private final Cipher cipher;
    private long nextIndex;

    /** A single-part object of {@code plaintextLength} bytes with fresh random salt and prefix. */
    public static SegmentEncryptor forObject(byte[] dataKey, int segmentSize, long plaintextLength) {
        return new SegmentEncryptor(
                dataKey,
                segmentSize,
                0,
                plaintextLength,
                random(ObjectFormat.SALT_LENGTH),
                random(ObjectFormat.NONCE_PREFIX_LENGTH));
    }

    /** Part {@code partNumber} (1..10000) of a multipart object. */
    public static SegmentEncryptor forPart(byte[] dataKey, int segmentSize, int partNumber, long plaintextLength) {
        if (partNumber < 1) {
            throw new IllegalArgumentException("part number must be 1..10000");
        }
        return new SegmentEncryptor(
                dataKey,
                segmentSize,
                partNumber,
                plaintextLength,
                random(ObjectFormat.SALT_LENGTH),
                random(ObjectFormat.NONCE_PREFIX_LENGTH));
    }

    /** Deterministic constructor for golden vectors and tests only: salt and prefix MUST be fresh in production. */
    SegmentEncryptor(
            byte[] dataKey, int segmentSize, int partNumber, long plaintextLength, byte[] salt, byte[] noncePrefix) {
        ObjectFormat.checkDataKey(dataKey);
        byte[] fixed = FormatHeader.serialize(
                segmentSize, partNumber, plaintextLength, salt, noncePrefix, new byte[ObjectFormat.COMMITMENT_LENGTH]);
        byte[] fixedFields = java.util.Arrays.copyOf(fixed, ObjectFormat.FIXED_FIELDS_LENGTH);
        byte[] commitment = StreamKeys.commitment(dataKey, salt, fixedFields);
        this.header = new FormatHeader(
                ObjectFormat.VERSION_1, segmentSize, partNumber, plaintextLength, salt, noncePrefix, commitment);
        this.headerBytes = header.toBytes();
        this.noncePrefix = noncePrefix.clone();
        this.segmentCount = header.segmentCount();
        this.contentKey = StreamKeys.contentKey(dataKey, salt, fixedFields);
        this.keySpec = new SecretKeySpec(contentKey, "AES");
        this.cipher = Ciphers.aesGcm();
    }

    public FormatHeader formatHeader() {
        return header;
    }

    /** The serialized header; a fresh copy. */
    public byte[] header() {
        return headerBytes.clone();
    }

    public long segmentCount() {
        return segmentCount;
    }

    public boolean isFinished() {
        return nextIndex == segmentCount;
    }

    /** True when the next segment to encrypt is the final one (sealed with the final flag). */
    public boolean nextSegmentIsFinal() {
        return nextIndex == segmentCount - 1;
    }

    public int nextSegmentPlaintextLength() {
        return header.plaintextSegmentLength(nextIndex);
    }

    /**
     * Encrypts the next segment: reads exactly {@link #nextSegmentPlaintextLength()} bytes from
     * {@code in} and writes that many plus 16 to {@code out}.
     *
     * @return the number of bytes written
     */
    public int encryptSegment(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (keySpec == null) {
            throw new IllegalStateException("encryptor is finished or closed");
        }
        int expected = nextSegmentPlaintextLength();
        if (length != expected) {
            throw new IllegalArgumentException(
                    "segment " + nextIndex + " must hold " + expected + " bytes, got " + length);
        }
        boolean last = nextIndex == segmentCount - 1;
        try {
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    keySpec,
                    new GCMParameterSpec(TAG_LENGTH * 8, Ciphers.nonce(noncePrefix, nextIndex, last)));
            cipher.updateAAD(headerBytes);
            int written = cipher.doFinal(in, inOffset, length, out, outOffset);
            nextIndex++;
            if (last) {
                close();
            }
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Wipes the derived content key. Idempotent. */
    @Override
    public void close() {
        StreamKeys.wipe(contentKey);
        contentKey = null;
        keySpec = null;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
