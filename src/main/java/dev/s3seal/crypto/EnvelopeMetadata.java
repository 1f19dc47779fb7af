package dev.s3seal.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * What s3seal stores in {@code x-amz-meta-s3seal-*} for an envelope-encrypted object
 * (docs/format.md 8). Parsing is strict; the encoded form stays under {@link #MAX_ENCODED_BYTES}.
 *
 * @param keyVersion  may be null
 * @param plaintextLength {@link #PENDING_LENGTH} (no {@code s3seal-l} entry) only for a multipart upload
 *                    that is not sealed yet: such an object is never readable
 * @param sealedMd5   may be null; see {@link #sealMd5}
 * @param partCount   null for single-part objects
 * @param manifest    sealed {@link MultipartManifest}, null for single-part objects
 * @param context     the extra encryption context the data key was wrapped under ({@link RecordedContext});
 *                    null when not recorded (no {@code s3seal-c} entry: objects written before it existed,
 *                    and wraps that never take a context)
 * @param sealedChecksum the client's flexible checksum of the plaintext, sealed ({@link SealedChecksum}); may be null
 * @param streamHeader a copy of the single-part stream's 91-byte header ({@code s3seal-f}), so a ranged
 *                    read needs one upstream request (docs/format.md 4.1); null for multipart objects and
 *                    objects written before it existed. Only its length is checked here: the reader holds
 *                    it to the envelope's {@code L} and {@code S}, and the format authenticates the rest
 *                    (commitment, then every segment's associated data)
 */
public record EnvelopeMetadata(
        int version,
        String providerKind,
        String keyId,
        @Nullable String keyVersion,
        byte[] wrappedKey,
        long plaintextLength,
        int segmentSize,
        byte @Nullable [] sealedMd5,
        @Nullable Integer partCount,
        byte @Nullable [] manifest,
        @Nullable Map<String, String> context,
        byte @Nullable [] sealedChecksum,
        byte @Nullable [] streamHeader) {

    public static final String PREFIX = "x-amz-meta-s3seal-";
    /** Budget for our entries (names without {@code x-amz-meta-} plus values): half of S3's 2 KiB. */
    public static final int MAX_ENCODED_BYTES = 1024;
    /** What {@code s3seal-f} adds beyond {@link #MAX_ENCODED_BYTES}: 8 name bytes plus 124 base64 characters. */
    public static final int STREAM_HEADER_ENCODED_BYTES = 8 + 124;

    public static final int SEALED_MD5_LENGTH = 12 + 16 + 16;
    /** Plaintext length of a multipart upload in progress (docs/format.md 8): unknown until sealed. */
    public static final long PENDING_LENGTH = -1;

    private static final String V = "v",
            KP = "kp",
            KI = "ki",
            KV = "kv",
            K = "k",
            L = "l",
            S = "s",
            H = "h",
            N = "n",
            M = "m",
            C = "c",
            X = "x",
            F = "f";
    private static final Pattern KIND = Pattern.compile("[a-z0-9-]{1,16}");
    private static final Pattern KEY_ID = Pattern.compile("[\\x21-\\x3A\\x3C-\\x7E]{1,256}");
    private static final Pattern KEY_VERSION = Pattern.compile("[\\x21-\\x7E]{1,64}");
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,18}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Checks every entry and the encoded size; arrays and the context are copied. */
    public EnvelopeMetadata(
            int version,
            String providerKind,
            String keyId,
            @Nullable String keyVersion,
            byte[] wrappedKey,
            long plaintextLength,
            int segmentSize,
            byte @Nullable [] sealedMd5,
            @Nullable Integer partCount,
            byte @Nullable [] manifest,
            @Nullable Map<String, String> context,
            byte @Nullable [] sealedChecksum,
            byte @Nullable [] streamHeader) {
        if (version != ObjectFormat.VERSION_1) {
            throw new IllegalArgumentException("unsupported s3seal metadata version " + version);
        }
        check(providerKind != null && KIND.matcher(providerKind).matches(), "key provider kind");
        check(keyId != null && KEY_ID.matcher(keyId).matches(), "key id");
        check(keyVersion == null || KEY_VERSION.matcher(keyVersion).matches(), "key version");
        check(wrappedKey != null && wrappedKey.length >= 1 && wrappedKey.length <= 512, "wrapped key");
        if (plaintextLength == PENDING_LENGTH) {
            check(
                    sealedMd5 == null && partCount == null && manifest == null && sealedChecksum == null,
                    "pending upload with final entries");
        } else {
            CiphertextSizes.checkLength(plaintextLength);
        }
        ObjectFormat.checkSegmentSize(segmentSize);
        check(sealedMd5 == null || sealedMd5.length == SEALED_MD5_LENGTH, "sealed md5");
        check(partCount == null || (partCount >= 1 && partCount <= ObjectFormat.MAX_PART_NUMBER), "part count");
        check(manifest == null || (partCount != null && manifest.length <= 700), "manifest");
        if (sealedChecksum != null) {
            SealedChecksum.checkShape(sealedChecksum);
        }
        check(
                streamHeader == null || (streamHeader.length == ObjectFormat.HEADER_LENGTH && manifest == null),
                "stream header");
        this.version = version;
        this.providerKind = providerKind;
        this.keyId = keyId;
        this.keyVersion = keyVersion;
        this.wrappedKey = wrappedKey.clone();
        this.plaintextLength = plaintextLength;
        this.segmentSize = segmentSize;
        this.sealedMd5 = sealedMd5 == null ? null : sealedMd5.clone();
        this.partCount = partCount;
        this.manifest = manifest == null ? null : manifest.clone();
        this.context = context == null ? null : RecordedContext.decode(RecordedContext.encode(context));
        this.sealedChecksum = sealedChecksum == null ? null : sealedChecksum.clone();
        this.streamHeader = streamHeader == null ? null : streamHeader.clone();
        // s3seal-f is a fixed STREAM_HEADER_ENCODED_BYTES on top of the budget (docs/format.md 8)
        int size = encodedSize(toHeaders()) - (streamHeader == null ? 0 : STREAM_HEADER_ENCODED_BYTES);
        check(size <= MAX_ENCODED_BYTES, "metadata too large (" + size + " bytes)");
    }

    /** The entries of objects without a sealed checksum or a stream header copy (multipart, older objects). */
    public EnvelopeMetadata(
            int version,
            String providerKind,
            String keyId,
            @Nullable String keyVersion,
            byte[] wrappedKey,
            long plaintextLength,
            int segmentSize,
            byte @Nullable [] sealedMd5,
            @Nullable Integer partCount,
            byte @Nullable [] manifest,
            @Nullable Map<String, String> context) {
        this(
                version,
                providerKind,
                keyId,
                keyVersion,
                wrappedKey,
                plaintextLength,
                segmentSize,
                sealedMd5,
                partCount,
                manifest,
                context,
                null,
                null);
    }

    /** These entries with {@code sealedMd5} ({@link #sealMd5}) in place of any earlier one. */
    public EnvelopeMetadata withSealedMd5(byte @Nullable [] sealedMd5) {
        return withSealedEntries(sealedMd5, sealedChecksum, streamHeader);
    }

    /** These entries with {@code sealedChecksum} ({@link SealedChecksum#seal}) in place of any earlier one. */
    public EnvelopeMetadata withSealedChecksum(byte @Nullable [] sealedChecksum) {
        return withSealedEntries(sealedMd5, sealedChecksum, streamHeader);
    }

    /** This envelope carrying {@code header} (91 bytes, or null for none) as {@code s3seal-f}. */
    public EnvelopeMetadata withStreamHeader(byte @Nullable [] header) {
        return withSealedEntries(sealedMd5, sealedChecksum, header);
    }

    /** The same key, length and layout with the entries a write may add after the first ones. */
    private EnvelopeMetadata withSealedEntries(
            byte @Nullable [] md5, byte @Nullable [] checksum, byte @Nullable [] header) {
        return new EnvelopeMetadata(
                version,
                providerKind,
                keyId,
                keyVersion,
                wrappedKey,
                plaintextLength,
                segmentSize,
                md5,
                partCount,
                manifest,
                context,
                checksum,
                header);
    }

    /**
     * Opens the sealed checksum for this object's length and part count.
     *
     * @throws AuthenticationFailedException when it was edited, or sealed for another object
     * @throws IllegalStateException when there is none
     */
    public SealedChecksum.Checksum openChecksum(byte[] dataKey) {
        if (sealedChecksum == null) {
            throw new IllegalStateException("no sealed checksum");
        }
        return SealedChecksum.open(dataKey, sealedChecksum, plaintextLength, partCount == null ? 0 : partCount);
    }

    /** A multipart upload not sealed yet: no plaintext length, not readable. */
    public boolean isPending() {
        return plaintextLength == PENDING_LENGTH;
    }

    /** True if a client-supplied header name falls in s3seal's reserved space (the proxy refuses those). */
    public static boolean isReserved(String headerName) {
        return headerName != null && headerName.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** Full header names ({@code x-amz-meta-s3seal-...}, lower case) to values, in a stable order. */
    public Map<String, String> toHeaders() {
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, String> h = new LinkedHashMap<>();
        h.put(PREFIX + V, Integer.toString(version));
        h.put(PREFIX + KP, providerKind);
        h.put(PREFIX + KI, keyId);
        if (keyVersion != null) {
            h.put(PREFIX + KV, keyVersion);
        }
        h.put(PREFIX + K, b64.encodeToString(wrappedKey));
        if (plaintextLength != PENDING_LENGTH) {
            h.put(PREFIX + L, Long.toString(plaintextLength));
        }
        h.put(PREFIX + S, Integer.toString(segmentSize));
        if (sealedMd5 != null) {
            h.put(PREFIX + H, b64.encodeToString(sealedMd5));
        }
        if (partCount != null) {
            h.put(PREFIX + N, Integer.toString(partCount));
        }
        if (manifest != null) {
            h.put(PREFIX + M, b64.encodeToString(manifest));
        }
        if (context != null) {
            h.put(PREFIX + C, b64.encodeToString(RecordedContext.encode(context)));
        }
        if (sealedChecksum != null) {
            h.put(PREFIX + X, b64.encodeToString(sealedChecksum));
        }
        if (streamHeader != null) {
            h.put(PREFIX + F, b64.encodeToString(streamHeader));
        }
        return h;
    }

    /**
     * Parses our entries out of an object's headers; other headers are ignored. Header names are
     * matched case-insensitively.
     *
     * @throws IllegalArgumentException if an entry is missing, unknown, malformed or out of range
     */
    public static EnvelopeMetadata fromHeaders(Map<String, String> headers) {
        Map<String, String> ours = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (isReserved(e.getKey())) {
                String name = e.getKey().toLowerCase(Locale.ROOT).substring(PREFIX.length());
                if (!Arrays.asList(V, KP, KI, KV, K, L, S, H, N, M, C, X, F).contains(name)) {
                    throw new IllegalArgumentException("unknown s3seal metadata entry " + name);
                }
                if (ours.put(name, e.getValue()) != null) {
                    throw new IllegalArgumentException("duplicate s3seal metadata entry " + name);
                }
            }
        }
        String v = required(ours, V);
        check(v.equals("1"), "unsupported s3seal metadata version");
        String n = ours.get(N);
        return new EnvelopeMetadata(
                1,
                required(ours, KP),
                required(ours, KI),
                ours.get(KV),
                base64(required(ours, K)),
                ours.containsKey(L) ? decimal(ours.get(L)) : PENDING_LENGTH,
                (int) Math.min(decimal(required(ours, S)), Integer.MAX_VALUE),
                ours.containsKey(H) ? base64(ours.get(H)) : null,
                n == null ? null : (int) Math.min(decimal(n), Integer.MAX_VALUE),
                ours.containsKey(M) ? base64(ours.get(M)) : null,
                ours.containsKey(C) ? RecordedContext.decode(base64(ours.get(C))) : null,
                ours.containsKey(X) ? base64(ours.get(X)) : null,
                ours.containsKey(F) ? base64(ours.get(F)) : null);
    }

    /**
     * Encrypts the plaintext MD5 under a key derived from the data key (docs/format.md 8), so a
     * reader of the bucket cannot confirm a guessed plaintext by its hash.
     */
    public static byte[] sealMd5(byte[] dataKey, byte[] md5, long plaintextLength) {
        check(md5 != null && md5.length == 16, "md5 must be 16 bytes");
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] out = Arrays.copyOf(nonce, SEALED_MD5_LENGTH);
        md5Cipher(dataKey, Cipher.ENCRYPT_MODE, nonce, plaintextLength, md5, 0, 16, out, 12);
        return out;
    }

    /**
     * Decrypts a sealed MD5.
     *
     * @throws AuthenticationFailedException {@code TAG_MISMATCH} if it was not sealed for this key and length
     */
    public static byte[] openMd5(byte[] dataKey, byte[] sealed, long plaintextLength) {
        check(sealed != null && sealed.length == SEALED_MD5_LENGTH, "sealed md5 length");
        byte[] out = new byte[16];
        md5Cipher(dataKey, Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, 12), plaintextLength, sealed, 12, 32, out, 0);
        return out;
    }

    private static void md5Cipher(
            byte[] dataKey,
            int mode,
            byte[] nonce,
            long length,
            byte[] in,
            int inOff,
            int inLen,
            byte[] out,
            int outOff) {
        ObjectFormat.checkDataKey(dataKey);
        byte[] key = StreamKeys.purposeKey(dataKey, StreamKeys.MD5_KEY_LABEL);
        try {
            Cipher c = Ciphers.aesGcm();
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(StreamKeys.info(
                    "s3seal/1/md5", ByteBuffer.allocate(8).putLong(length).array()));
            c.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException(
                    AuthenticationFailedException.Reason.TAG_MISMATCH, "sealed md5 failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            StreamKeys.wipe(key);
        }
    }

    /** S3 counts user metadata as the UTF-8 bytes of names (without {@code x-amz-meta-}) and values. */
    static int encodedSize(Map<String, String> headers) {
        int size = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            size += e.getKey().length() - "x-amz-meta-".length() + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static String required(Map<String, String> m, String name) {
        String v = m.get(name);
        check(v != null, "missing s3seal metadata entry " + name);
        return v;
    }

    private static long decimal(String s) {
        check(DECIMAL.matcher(s).matches(), "not a decimal number");
        return Long.parseLong(s);
    }

    private static byte[] base64(String s) {
        try {
            byte[] b = Base64.getDecoder().decode(s);
            check(Base64.getEncoder().encodeToString(b).equals(s), "non-canonical base64");
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed base64 in s3seal metadata");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("invalid s3seal metadata: " + what);
        }
    }

    @Override
    public byte[] wrappedKey() {
        return wrappedKey.clone();
    }

    @Override
    public byte @Nullable [] sealedMd5() {
        return sealedMd5 == null ? null : sealedMd5.clone();
    }

    @Override
    public byte @Nullable [] streamHeader() {
        return streamHeader == null ? null : streamHeader.clone();
    }

    @Override
    public byte @Nullable [] sealedChecksum() {
        return sealedChecksum == null ? null : sealedChecksum.clone();
    }

    @Override
    public byte @Nullable [] manifest() {
        return manifest == null ? null : manifest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvelopeMetadata m && toHeaders().equals(m.toHeaders());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toHeaders());
    }

    @Override
    public String toString() {
        return "EnvelopeMetadata[v" + version + ", provider=" + providerKind + ", keyId=" + keyId + ", keyVersion="
                + keyVersion + ", plaintextLength=" + plaintextLength + ", segmentSize=" + segmentSize
                + ", parts=" + partCount + ", context=" + (context == null ? "not recorded" : context.keySet()) + "]";
    }
}
