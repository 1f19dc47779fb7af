package dev.s3seal.crypto.s3ec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The client's {@code AES/GCM} data-key wrap under a raw 256-bit AES key (V3 code {@code 02}):
 * wrapped = 12-byte random IV || AES-GCM(data key) || 16-byte tag (60 bytes), with associated data
 * {@code "115"} (the suite id in decimal ASCII) for V3 and {@code "AES/GCM/NoPadding"} for V2, which binds
 * the wrapped key to the content format and blocks V3-to-V2 downgrade by metadata rewrite.
 */
public final class AesGcmKeyWrap {

    public static final int WRAPPED_LENGTH = 12 + S3ecContentKey.DATA_KEY_LENGTH + 16;

    private AesGcmKeyWrap() {}

    public static byte[] wrap(SecretKey kek, byte[] dataKey, S3ecVersion version, SecureRandom random) {
        checkKek(kek);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, iv));
            c.updateAAD(aad(version));
            byte[] sealed = c.doFinal(dataKey);
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public static byte[] unwrap(SecretKey kek, byte[] wrapped, S3ecVersion version) {
        checkKek(kek);
        if (wrapped.length != WRAPPED_LENGTH) {
            throw new S3ecException(
                    S3ecException.Reason.MALFORMED_METADATA,
                    "AES/GCM wrapped key has " + wrapped.length + " bytes, expected " + WRAPPED_LENGTH);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, wrapped, 0, 12));
            c.updateAAD(aad(version));
            return c.doFinal(wrapped, 12, wrapped.length - 12);
        } catch (AEADBadTagException e) {
            throw new S3ecException(
                    S3ecException.Reason.KEY_UNWRAP_FAILED, "AES/GCM key unwrap failed: wrong key or altered metadata");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static byte[] aad(S3ecVersion version) {
        return (version == S3ecVersion.V3 ? S3ecMetadata.V3_SUITE_ID : S3ecMetadata.V2_CONTENT_CIPHER)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static void checkKek(SecretKey kek) {
        byte[] encoded = kek.getEncoded();
        if (!"AES".equalsIgnoreCase(kek.getAlgorithm()) || encoded == null || encoded.length != 32) {
            throw new IllegalArgumentException("key-encryption key must be a 256-bit AES key");
        }
    }
}
