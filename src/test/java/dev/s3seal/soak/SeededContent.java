package dev.s3seal.soak;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An object body defined by a seed and a size, never held in memory: byte {@code i} is a pure
 * function of (seed, i), so any range can be regenerated to check a ranged read, and a 256 MiB
 * object costs the soak nothing but its SHA-256 (kept once per body).
 */
record SeededContent(long seed, long size) implements KeyState.Held {

    private static final Map<SeededContent, byte[]> DIGESTS = new ConcurrentHashMap<>();

    /** The body's bytes from {@code from} (inclusive) to {@code to} (exclusive), as a stream. */
    InputStream stream(long from, long to) {
        return new InputStream() {
            private long position = from;

            @Override
            public int read() {
                return position < to ? byteAt(position++) & 0xFF : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= to) {
                    return -1;
                }
                int n = (int) Math.min(length, to - position);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = byteAt(position++);
                }
                return n;
            }
        };
    }

    InputStream stream() {
        return stream(0, size);
    }

    /** SHA-256 of the whole body, computed once. */
    byte[] sha256() {
        return DIGESTS.computeIfAbsent(this, content -> digest(content, 0, content.size()))
                .clone();
    }

    /** SHA-256 of the bytes {@code from} to {@code to} (exclusive). */
    byte[] sha256(long from, long to) {
        return from == 0 && to == size ? sha256() : digest(this, from, to);
    }

    boolean matches(byte[] digest, long from, long to) {
        return Arrays.equals(digest, sha256(from, to));
    }

    private byte byteAt(long offset) {
        long block = offset >>> 3;
        return (byte) (mix(seed + block * 0x9E3779B97F4A7C15L) >>> ((offset & 7) * 8));
    }

    /** SplitMix64's finaliser: a cheap, well-spread function of the block index. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static byte[] digest(SeededContent content, long from, long to) {
        MessageDigest sha = sha256Digest();
        byte[] buffer = new byte[65_536];
        try (InputStream in = content.stream(from, to)) {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                sha.update(buffer, 0, n);
            }
        } catch (java.io.IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return sha.digest();
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
