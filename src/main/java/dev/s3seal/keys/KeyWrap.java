package dev.s3seal.keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM key wrapping shared by {@code LocalKeyProvider} and the layered form of
 * {@link CachingKeyProvider}: output = nonce(12) || ciphertext || tag(16), random nonce per wrap,
 * associated data built by {@link #aad}.
 */
public final class KeyWrap {

    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    public static final int WRAPPED_LENGTH = NONCE_LENGTH + DataKey.LENGTH + TAG_LENGTH;

    /**
     * A DRBG (NIST SP 800-90A), seeded from the OS once at class load: unlike the default NativePRNG
     * it does not read {@code /dev/urandom} on every call, so wrapping on an event loop never blocks
     * (proven with BlockHound in the tests).
     */
    private static final SecureRandom RANDOM = newDrbg();

    private static SecureRandom newDrbg() {
        try {
            SecureRandom drbg = SecureRandom.getInstance("DRBG");
            drbg.nextBytes(new byte[16]); // seed now, off the request path
            return drbg;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("DRBG SecureRandom unavailable", e);
        }
    }

    private KeyWrap() {}

    public static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    public static byte[] randomKey() {
        byte[] key = new byte[DataKey.LENGTH];
        RANDOM.nextBytes(key);
        return key;
    }

    /**
     * Canonical associated data: every field length-prefixed (4-byte big-endian length, UTF-8 bytes),
     * a {@code null} field as length -1, then the count of extra entries and each name/value, sorted.
     * Unambiguous, so no two different inputs share an encoding.
     */
    public static byte[] aad(String formatTag, String keyName, @Nullable String keyVersion, KeyContext context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        field(out, formatTag);
        field(out, keyName);
        field(out, keyVersion);
        field(out, context.bucket());
        field(out, context.key());
        int32(out, context.extra().size());
        for (Map.Entry<String, String> e : context.extra().entrySet()) { // sorted by KeyContext
            field(out, e.getKey());
            field(out, e.getValue());
        }
        return out.toByteArray();
    }

    public static byte[] wrap(byte[] kek, byte[] plaintextKey, byte[] aad) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[NONCE_LENGTH + plaintextKey.length + TAG_LENGTH];
            System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
            cipher.doFinal(plaintextKey, 0, plaintextKey.length, out, NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The unwrapped key, or a non-retryable {@link KeyProviderException} if the tag does not verify. */
    public static byte[] unwrap(byte[] kek, byte[] wrapped, byte[] aad, String what) {
        if (wrapped.length != WRAPPED_LENGTH) {
            throw new KeyProviderException(
                    KeyProviderException.Reason.INVALID_CIPHERTEXT,
                    what + ": wrapped key has " + wrapped.length + " bytes, expected " + WRAPPED_LENGTH);
        }
        byte[] out = null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(kek, "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, wrapped, 0, NONCE_LENGTH));
            cipher.updateAAD(aad);
            out = new byte[DataKey.LENGTH];
            cipher.doFinal(wrapped, NONCE_LENGTH, wrapped.length - NONCE_LENGTH, out, 0);
            return out;
        } catch (AEADBadTagException e) {
            if (out != null) {
                Arrays.fill(out, (byte) 0);
            }
            throw new KeyProviderException(
                    KeyProviderException.Reason.INVALID_CIPHERTEXT,
                    what
                            + ": wrapped key does not authenticate for this object (wrong bucket, key, context or master key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static void field(ByteArrayOutputStream out, @Nullable String value) {
        if (value == null) {
            int32(out, -1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int32(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
