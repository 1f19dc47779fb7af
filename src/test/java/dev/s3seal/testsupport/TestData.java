package dev.s3seal.testsupport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

/** Object bodies and the digests S3 answers for them. */
public final class TestData {

    private TestData() {}

    /** {@code size} pseudo-random bytes, the same for the same size. */
    public static byte[] random(int size) {
        return random(size, size * 31L + 7);
    }

    /** {@code size} pseudo-random bytes from {@code seed}. */
    public static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    public static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ETag S3 gives a single-part object of {@code data}: its MD5 in hex, quoted. */
    public static String quotedMd5(byte[] data) {
        return "\"" + HexFormat.of().formatHex(md5(data)) + "\"";
    }

    /** Where {@code needle} first stands in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The value of a {@code Content-MD5} (or SSE-C key MD5) header for {@code data}. */
    public static String base64Md5(byte[] data) {
        return Base64.getEncoder().encodeToString(md5(data));
    }
}
