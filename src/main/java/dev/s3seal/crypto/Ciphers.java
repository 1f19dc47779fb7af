package dev.s3seal.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * JCA plumbing shared by the encryptor, decryptor and metadata codec.
 *
 * <p>Each use gets a Cipher of its own, though {@code Cipher.getInstance} is about 1.4% of a small
 * {@code cse-*} request: a Cipher kept per thread would hold its last key beyond the wipe of every key
 * array, and the JDK refuses a second encryption under the key and nonce a Cipher used last.
 */
final class Ciphers {

    private Ciphers() {}

    static Cipher aesGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
        }
    }

    /** nonce = prefix (7) || BE32(index) || final flag (1). */
    static byte[] nonce(byte[] prefix, long index, boolean last) {
        byte[] nonce = new byte[ObjectFormat.NONCE_LENGTH];
        System.arraycopy(prefix, 0, nonce, 0, ObjectFormat.NONCE_PREFIX_LENGTH);
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }
}
