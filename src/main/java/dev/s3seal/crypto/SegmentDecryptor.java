package dev.s3seal.crypto;

import static dev.s3seal.crypto.AuthenticationFailedException.Reason.KEY_COMMITMENT_MISMATCH;
import static dev.s3seal.crypto.AuthenticationFailedException.Reason.TAG_MISMATCH;
import static dev.s3seal.crypto.ObjectFormat.TAG_LENGTH;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Decrypts segments of one stream of format v1 (docs/format.md 2). {@link #open} checks the key
 * commitment before anything is decrypted. Segments may be decrypted in any order (ranged reads):
 * each is authenticated with its own index and final flag, so the caller only has to make sure it
 * reads every segment it needs and checks the end of the stream. Plaintext is written only when the
 * tag verified (the JDK's GCM buffers until the tag is checked). Not thread safe.
 */
public final class SegmentDecryptor implements AutoCloseable {

    private final FormatHeader header;
    private final byte[] headerBytes;
    private final byte[] noncePrefix;
    private final long segmentCount;
    private byte @Nullable [] contentKey; // null once closed
    private @Nullable SecretKeySpec keySpec;
    private final Cipher cipher;

    private SegmentDecryptor(FormatHeader header, byte[] contentKey) {
        this.header = header;
        this.headerBytes = header.toBytes();
        this.noncePrefix = header.noncePrefix();
        this.segmentCount = header.segmentCount();
        this.contentKey = contentKey;
        this.keySpec = new SecretKeySpec(contentKey, "AES");
        this.cipher = Ciphers.aesGcm();
    }

    /**
     * Derives the stream key from the data key and the parsed header and verifies the key
     * commitment.
     *
     * @throws AuthenticationFailedException {@code KEY_COMMITMENT_MISMATCH} if the data key does not
     *                                       belong to this stream
     */
    public static SegmentDecryptor open(byte[] dataKey, FormatHeader header) {
        ObjectFormat.checkDataKey(dataKey);
        byte[] fixed = header.fixedFields();
        byte[] salt = header.salt();
        byte[] expected = StreamKeys.commitment(dataKey, salt, fixed);
        boolean ok = StreamKeys.constantTimeEquals(expected, header.commitment());
        StreamKeys.wipe(expected);
        if (!ok) {
            throw new AuthenticationFailedException(KEY_COMMITMENT_MISMATCH, "key commitment does not match");
        }
        return new SegmentDecryptor(header, StreamKeys.contentKey(dataKey, salt, fixed));
    }

    public FormatHeader header() {
        return header;
    }

    public long segmentCount() {
        return segmentCount;
    }

    /** Ciphertext bytes of segment {@code index} (plaintext + 16). */
    public int ciphertextSegmentLength(long index) {
        return header.plaintextSegmentLength(index) + TAG_LENGTH;
    }

    /**
     * Authenticates and decrypts segment {@code index}.
     *
     * @return plaintext bytes written to {@code out}
     * @throws AuthenticationFailedException {@code TAG_MISMATCH} if anything about the segment is wrong
     */
    public int decryptSegment(long index, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (keySpec == null) {
            throw new IllegalStateException("decryptor is closed");
        }
        if (index < 0 || index >= segmentCount || length != ciphertextSegmentLength(index)) {
            throw new AuthenticationFailedException(TAG_MISMATCH, "segment " + index + " has the wrong length");
        }
        try {
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    keySpec,
                    new GCMParameterSpec(TAG_LENGTH * 8, Ciphers.nonce(noncePrefix, index, index == segmentCount - 1)));
            cipher.updateAAD(headerBytes);
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException(TAG_MISMATCH, "segment " + index + " failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /** Wipes the derived content key. Idempotent. */
    @Override
    public void close() {
        StreamKeys.wipe(contentKey);
        contentKey = null;
        keySpec = null;
    }
}
