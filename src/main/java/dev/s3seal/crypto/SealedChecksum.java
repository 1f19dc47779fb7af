package dev.s3seal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client's flexible checksum of the plaintext (S3's {@code x-amz-checksum-*}), stored sealed in
 * {@code s3seal-x} (docs/format.md 8) so GET and HEAD can answer it and a reader of the bucket cannot
 * confirm a guessed plaintext by its checksum:
 *
 * <pre>
 * K_x    = HKDF(data_key, salt = empty, info = "s3seal/1/checksum-key", 32)
 * sealed = alg(1) || type(1) || nonce(12, random) || AES-256-GCM(K_x, nonce, aad, value) || tag(16)
 * aad    = "s3seal/1/checksum" || 0x00 || BE64(L) || BE16(parts) || alg || type
 * </pre>
 *
 * {@code parts} is 0 for a single-part object, else the part count. A sealed checksum edited, moved
 * to another object (another data key), or kept over a different length or part count fails to open
 * ({@link AuthenticationFailedException}, {@code TAG_MISMATCH}). The key depends on the data key
 * alone, so a copy that keeps the data key (re-wrapped for a new name) keeps the entry valid.
 */
public final class SealedChecksum {

    /** What a checksum covers, as S3's {@code x-amz-checksum-type} says. */
    public enum Type {
        /** The checksum of the whole plaintext. */
        FULL_OBJECT,
        /** The checksum of the concatenated part checksums, answered with {@code -N}. */
        COMPOSITE
    }

    /** The algorithms S3 accepts, by their code in the sealed form and their digest length. */
    public enum Algorithm {
        CRC32(1, 4),
        CRC32C(2, 4),
        CRC64NVME(3, 8),
        SHA1(4, 20),
        SHA256(5, 32);

        private final int code;
        private final int length;

        Algorithm(int code, int length) {
            this.code = code;
            this.length = length;
        }

        public int length() {
            return length;
        }

        static Algorithm ofCode(int code) {
            for (Algorithm a : values()) {
                if (a.code == code) {
                    return a;
                }
            }
            throw new IllegalArgumentException("invalid s3seal metadata: unknown checksum algorithm");
        }

        /** S3's name of the algorithm ({@code CRC32}, {@code SHA256}, ...). */
        public static Algorithm named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** An opened checksum: the algorithm, what it covers, and the big-endian value. */
    public record Checksum(Algorithm algorithm, Type type, byte[] value) {
        public Checksum {
            if (value == null || value.length != algorithm.length()) {
                throw new IllegalArgumentException("a " + algorithm + " checksum has " + algorithm.length() + " bytes");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    private static final int OVERHEAD = 2 + 12 + 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedChecksum() {}

    /** Seals {@code checksum} for an object of {@code plaintextLength} bytes in {@code parts} parts (0: single). */
    public static byte[] seal(byte[] dataKey, Checksum checksum, long plaintextLength, int parts) {
        byte[] out = new byte[OVERHEAD + checksum.algorithm().length()];
        out[0] = (byte) checksum.algorithm().code;
        out[1] = (byte) (checksum.type().ordinal() + 1);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 2, 12);
        byte[] value = checksum.value();
        cipher(dataKey, Cipher.ENCRYPT_MODE, out, plaintextLength, parts, value, 0, value.length, out, 14);
        return out;
    }

    /**
     * Opens a sealed checksum.
     *
     * @throws AuthenticationFailedException {@code TAG_MISMATCH} when it was not sealed for this key, length and parts
     */
    public static Checksum open(byte[] dataKey, byte[] sealed, long plaintextLength, int parts) {
        checkShape(sealed);
        Algorithm algorithm = Algorithm.ofCode(sealed[0]);
        byte[] value = new byte[algorithm.length()];
        cipher(dataKey, Cipher.DECRYPT_MODE, sealed, plaintextLength, parts, sealed, 14, sealed.length - 14, value, 0);
        return new Checksum(algorithm, Type.values()[sealed[1] - 1], value);
    }

    /** The syntax the metadata codec checks: a known algorithm and type, and the length they imply. */
    static void checkShape(byte[] sealed) {
        if (sealed == null || sealed.length < OVERHEAD) {
            throw new IllegalArgumentException("invalid s3seal metadata: sealed checksum");
        }
        Algorithm algorithm = Algorithm.ofCode(sealed[0]);
        if (sealed.length != OVERHEAD + algorithm.length() || sealed[1] < 1 || sealed[1] > Type.values().length) {
            throw new IllegalArgumentException("invalid s3seal metadata: sealed checksum");
        }
    }

    private static void cipher(
            byte[] dataKey,
            int mode,
            byte[] sealed,
            long length,
            int parts,
            byte[] in,
            int inOff,
            int inLen,
            byte[] out,
            int outOff) {
        ObjectFormat.checkDataKey(dataKey);
        byte[] key = StreamKeys.purposeKey(dataKey, StreamKeys.CHECKSUM_KEY_LABEL);
        try {
            Cipher c = Ciphers.aesGcm();
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, Arrays.copyOfRange(sealed, 2, 14)));
            c.updateAAD(StreamKeys.info(
                    "s3seal/1/checksum",
                    ByteBuffer.allocate(12)
                            .putLong(length)
                            .putShort((short) parts)
                            .put(sealed[0])
                            .put(sealed[1])
                            .array()));
            c.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException(
                    AuthenticationFailedException.Reason.TAG_MISMATCH, "sealed checksum failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            StreamKeys.wipe(key);
        }
    }
}
