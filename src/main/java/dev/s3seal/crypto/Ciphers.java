package dev.s3seal.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/** JCA plumbing shared by the encryptor, decryptor and metadata codec. */
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
