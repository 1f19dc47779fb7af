package dev.s3seal.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
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

    private StreamKeys() {}

    static byte[] hkdf(byte[] ikm, byte @Nullable [] salt, byte[] info, int length) {
        HKDFBytesGenerator gen = new HKDFBytesGenerator(new SHA256Digest());
        gen.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        gen.generateBytes(out, 0, length);
        return out;
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
