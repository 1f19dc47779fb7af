package dev.s3seal.crypto;

import static dev.s3seal.crypto.AuthenticationFailedException.Reason.MANIFEST_MISMATCH;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sealed manifest of a multipart object (docs/format.md 6.3): part count and every part's
 * plaintext length, run-length encoded, MACed under a key derived from the data key. It is what
 * catches dropped trailing parts, which per-part headers cannot.
 */
public final class MultipartManifest {

    public static final int MAX_RUNS = 64;
    private static final int MAC_LENGTH = 16;
    private static final byte VERSION = 1;
    private static final byte[] MAC_LABEL = "s3seal/1/manifest\0".getBytes(StandardCharsets.US_ASCII);

    private final long[] partLengths;

    private MultipartManifest(long[] partLengths) {
        this.partLengths = partLengths;
    }

    /**
     * A manifest for a regular layout (docs/format.md 6.2).
     *
     * @throws IllegalArgumentException when the layout is not regular or needs more than 64 runs;
     *                                  the proxy answers the completion with 400 InvalidRequest
     */
    public static MultipartManifest of(long[] partLengths, int segmentSize) {
        CiphertextSizes.multipartCiphertextLength(partLengths, segmentSize);
        if (partLengths.length > ObjectFormat.MAX_PART_NUMBER) {
            throw new IllegalArgumentException("too many parts");
        }
        MultipartManifest m = new MultipartManifest(partLengths.clone());
        if (m.runs().size() > MAX_RUNS) {
            throw new IllegalArgumentException("part sizes too irregular for a manifest");
        }
        return m;
    }

    public int partCount() {
        return partLengths.length;
    }

    /** Plaintext length of part {@code partNumber} (1-based). */
    public long partLength(int partNumber) {
        return partLengths[partNumber - 1];
    }

    public long totalPlaintextLength() {
        long sum = 0;
        for (long l : partLengths) {
            sum += l;
        }
        return sum;
    }

    private List<long[]> runs() {
        List<long[]> runs = new ArrayList<>();
        for (long len : partLengths) {
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] == len && runs.get(runs.size() - 1)[1] < 0xFFFF) {
                runs.get(runs.size() - 1)[1]++;
            } else {
                runs.add(new long[] {len, 1});
            }
        }
        return runs;
    }

    private byte[] body() {
        List<long[]> runs = runs();
        ByteBuffer b = ByteBuffer.allocate(5 + runs.size() * 10);
        b.put(VERSION).putShort((short) partLengths.length).putShort((short) runs.size());
        for (long[] run : runs) {
            b.putLong(run[0]).putShort((short) run[1]);
        }
        return b.array();
    }

    /** The sealed form: body || 16-byte MAC. */
    public byte[] seal(byte[] dataKey) {
        byte[] body = body();
        byte[] mac = mac(dataKey, body);
        byte[] out = Arrays.copyOf(body, body.length + MAC_LENGTH);
        System.arraycopy(mac, 0, out, body.length, MAC_LENGTH);
        return out;
    }

    /**
     * Verifies and parses a sealed manifest.
     *
     * @throws AuthenticationFailedException {@code MANIFEST_MISMATCH} if the MAC or the syntax is wrong
     */
    public static MultipartManifest open(byte[] sealed, byte[] dataKey, int segmentSize) {
        if (sealed.length < 5 + MAC_LENGTH) {
            throw new AuthenticationFailedException(MANIFEST_MISMATCH, "manifest too short");
        }
        byte[] body = Arrays.copyOf(sealed, sealed.length - MAC_LENGTH);
        byte[] mac = Arrays.copyOfRange(sealed, sealed.length - MAC_LENGTH, sealed.length);
        if (!MessageDigest.isEqual(mac, mac(dataKey, body))) {
            throw new AuthenticationFailedException(MANIFEST_MISMATCH, "manifest MAC does not verify");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(body);
            if (b.get() != VERSION) {
                throw new IllegalArgumentException("manifest version");
            }
            int count = b.getShort() & 0xFFFF;
            int runCount = b.getShort() & 0xFFFF;
            if (body.length != 5 + runCount * 10) {
                throw new IllegalArgumentException("manifest length");
            }
            long[] lengths = new long[count];
            int i = 0;
            for (int r = 0; r < runCount; r++) {
                long len = b.getLong();
                int n = b.getShort() & 0xFFFF;
                for (int k = 0; k < n; k++) {
                    lengths[i++] = len;
                }
            }
            if (i != count) {
                throw new IllegalArgumentException("manifest part count");
            }
            return of(lengths, segmentSize);
        } catch (RuntimeException e) {
            throw new AuthenticationFailedException(MANIFEST_MISMATCH, "malformed manifest");
        }
    }

    private static byte[] mac(byte[] dataKey, byte[] body) {
        ObjectFormat.checkDataKey(dataKey);
        byte[] key = StreamKeys.purposeKey(dataKey, StreamKeys.MANIFEST_KEY_LABEL);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(MAC_LABEL);
            return Arrays.copyOf(mac.doFinal(body), MAC_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            StreamKeys.wipe(key);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultipartManifest m && Arrays.equals(partLengths, m.partLengths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(partLengths);
    }

    @Override
    public String toString() {
        return "MultipartManifest[parts=" + partLengths.length + ", length=" + totalPlaintextLength() + "]";
    }
}
