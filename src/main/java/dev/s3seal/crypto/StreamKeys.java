package dev.s3seal.crypto;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * HKDF-SHA256 derivations of format v1 (docs/format.md 2.2, 6.3, 8). Package-private: only the
 * encryptor, decryptor and metadata codec derive keys.
 */
final class StreamKeys {

    static final String CONTENT_KEY_LABEL = "s3seal/1/content-key";
    static final String COMMITMENT_LABEL = "s3seal/1/commitment";
    static final String MANIFEST_KEY_LABEL = "s3seal/1/manifest-key";
    static final String MD5_KEY_LABEL = "s3seal/1/md5-key";
    static final String CHECKSUM_KEY_LABEL = "s3seal/1/checksum-key";

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_LENGTH = 32;
    private static final SecretKeySpec NO_KEY = new SecretKeySpec(new byte[HASH_LENGTH], HMAC);
    private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(StreamKeys::newHmacSha256);

    private StreamKeys() {}

    /**
     * HKDF-SHA256 (RFC 5869) with the JDK's HmacSHA256, one {@link Mac} per thread: the JDK's SHA-256 is
     * intrinsified and a derivation allocates a few small arrays, where BouncyCastle's pure-Java digest and
     * generator objects cost about three times as much per derivation, three derivations per object.
     * {@code StreamKeysTest} holds it to the RFC's vectors and to BouncyCastle's output. A null or empty
     * salt is HashLen zero bytes (RFC 5869 2.2; HMAC pads a shorter key with zeros anyway).
     */
    static byte[] hkdf(byte[] ikm, byte @Nullable [] salt, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output must be 1.." + 255 * HASH_LENGTH + " bytes");
        }
        Mac mac = HMAC_SHA256.get();
        byte[] prk = null;
        byte[] block = null;
        try {
            mac.init(new SecretKeySpec(salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt, HMAC));
            prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            byte[] out = new byte[length];
            block = new byte[0];
            for (int i = 1, done = 0; done < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                byte[] next = mac.doFinal();
                wipe(block);
                block = next;
                int n = Math.min(HASH_LENGTH, length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused an HKDF key", e);
        } finally {
            wipe(prk);
            wipe(block);
            forget(mac);
        }
    }

    /** Re-keys the thread's Mac with a constant, so it keeps no pads derived from a key between derivations. */
    private static void forget(Mac mac) {
        try {
            mac.init(NO_KEY);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused a constant key", e);
        }
    }

    private static Mac newHmacSha256() {
        try {
            return Mac.getInstance(HMAC);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** info = label || 0x00 || context. */
    static byte[] info(String label, byte[] context) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        byte[] info = Arrays.copyOf(l, l.length + 1 + context.length);
        System.arraycopy(context, 0, info, l.length + 1, context.length);
        return info;
    }

    static byte[] contentKey(byte[] dataKey, byte[] salt, byte[] fixedFields) {
        return hkdf(dataKey, salt, info(CONTENT_KEY_LABEL, fixedFields), 32);
    }

    static byte[] commitment(byte[] dataKey, byte[] salt, byte[] fixedFields) {
        return hkdf(dataKey, salt, info(COMMITMENT_LABEL, fixedFields), ObjectFormat.COMMITMENT_LENGTH);
    }

    /** Key for a purpose that is not tied to a stream (manifest MAC, sealed MD5). */
    static byte[] purposeKey(byte[] dataKey, String label) {
        return hkdf(dataKey, null, info(label, new byte[0]), 32);
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static void wipe(byte @Nullable [] key) {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
    }
}
