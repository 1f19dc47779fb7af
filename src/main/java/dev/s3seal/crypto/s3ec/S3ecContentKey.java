package dev.s3seal.crypto.s3ec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.jspecify.annotations.Nullable;

/**
 * The content key of one object and the exact GCM parameters the AWS client uses (pure, no I/O).
 *
 * <ul>
 *   <li>V3, suite 0x0073: {@code HKDF-SHA512(ikm = data key, salt = message id)}; the 28-byte commitment is
 *       expanded with info {@code 00 73 "COMMITKEY"}, the 32-byte content key with {@code 00 73 "DERIVEKEY"}.
 *       Content: AES-256-GCM, IV twelve {@code 0x01} bytes (fixed: the key is unique per message id), AAD the
 *       two suite-id bytes {@code 00 73}, 16-byte tag appended.</li>
 *   <li>V2: AES-256-GCM directly under the data key, IV from {@code x-amz-iv}, no AAD.</li>
 * </ul>
 * The commitment is compared in constant time in {@link #forDecryption} before any cipher exists.
 * Instances own a copy of the key; {@link #close()} wipes it.
 */
public final class S3ecContentKey implements AutoCloseable {

    public static final int DATA_KEY_LENGTH = 32;
    static final byte[] SUITE_ID_BYTES = {0x00, 0x73};
    static final byte[] V3_IV = filled(12, (byte) 0x01);
    private static final byte[] COMMIT_INFO = info("COMMITKEY");
    private static final byte[] DERIVE_INFO = info("DERIVEKEY");

    private final S3ecVersion version;
    private final byte[] key;
    private final byte[] iv;
    private final byte[] aad;
    private final byte @Nullable [] commitment;

    private S3ecContentKey(S3ecVersion version, byte[] key, byte[] iv, byte[] aad, byte @Nullable [] commitment) {
        this.version = version;
        this.key = key;
        this.iv = iv;
        this.aad = aad;
        this.commitment = commitment;
    }

    /**
     * Checks the V3 commitment (constant time) and derives the content key; for V2 takes the data key as is.
     * The caller keeps ownership of {@code dataKey}.
     */
    public static S3ecContentKey forDecryption(S3ecMetadata metadata, byte[] dataKey) {
        checkDataKey(dataKey);
        if (metadata.version() == S3ecVersion.V2) {
            return new S3ecContentKey(
                    S3ecVersion.V2, dataKey.clone(), metadata.contentIv().clone(), new byte[0], null);
        }
        byte[] expected = hkdf(dataKey, metadata.messageId(), COMMIT_INFO, S3ecMetadata.COMMITMENT_LENGTH);
        if (!MessageDigest.isEqual(expected, metadata.keyCommitment())) {
            throw new S3ecException(
                    S3ecException.Reason.COMMITMENT_MISMATCH,
                    "key commitment does not match the data key and message id");
        }
        byte[] contentKey = hkdf(dataKey, metadata.messageId(), DERIVE_INFO, DATA_KEY_LENGTH);
        return new S3ecContentKey(S3ecVersion.V3, contentKey, V3_IV.clone(), SUITE_ID_BYTES.clone(), expected);
    }

    /** V3 encryption under a fresh data key and message id (both chosen by the caller, both random). */
    public static S3ecContentKey forV3Encryption(byte[] dataKey, byte[] messageId) {
        checkDataKey(dataKey);
        if (messageId == null || messageId.length != S3ecMetadata.MESSAGE_ID_LENGTH) {
            throw new IllegalArgumentException("message id must be " + S3ecMetadata.MESSAGE_ID_LENGTH + " bytes");
        }
        byte[] commitment = hkdf(dataKey, messageId, COMMIT_INFO, S3ecMetadata.COMMITMENT_LENGTH);
        byte[] contentKey = hkdf(dataKey, messageId, DERIVE_INFO, DATA_KEY_LENGTH);
        return new S3ecContentKey(S3ecVersion.V3, contentKey, V3_IV.clone(), SUITE_ID_BYTES.clone(), commitment);
    }

    public S3ecVersion version() {
        return version;
    }

    /** The V3 key commitment ({@code x-amz-d}); null for V2. */
    public byte @Nullable [] commitment() {
        return commitment == null ? null : commitment.clone();
    }

    public GcmStream newDecryptor() {
        return GcmStream.decrypting(key, iv, aad);
    }

    public GcmStream newEncryptor() {
        if (version != S3ecVersion.V3) {
            throw new S3ecException(S3ecException.Reason.UNSUPPORTED_ALGORITHM, "only V3 is written");
        }
        return GcmStream.encrypting(key, iv, aad);
    }

    /**
     * <b>Unauthenticated</b> AES-CTR positioned at ciphertext block {@code blockIndex}: GCM encrypts block
     * {@code i} with counter {@code inc32(J0) + i}, where {@code J0 = IV || 00000001}, so block 0 uses
     * {@code IV || 00000002}. Output is plaintext with no integrity at all; see {@link UnauthenticatedRange}.
     */
    public Cipher unauthenticatedCtrAt(long blockIndex) {
        if (blockIndex < 0 || blockIndex > (GcmStream.MAX_PLAINTEXT_LENGTH / 16)) {
            throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "block index out of range");
        }
        byte[] counter =
                ByteBuffer.allocate(16).put(iv).putInt((int) (2 + blockIndex)).array();
        try {
            Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
            return ctr;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR unavailable", e);
        }
    }

    @Override
    public void close() {
        Arrays.fill(key, (byte) 0);
    }

    /** Plaintext length of a body of {@code ciphertextLength} bytes (whole-object GCM: minus the tag). */
    public static long plaintextLength(long ciphertextLength) {
        if (ciphertextLength < GcmStream.TAG_LENGTH) {
            throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "body shorter than a GCM tag");
        }
        return ciphertextLength - GcmStream.TAG_LENGTH;
    }

    /**
     * {@link #plaintextLength(long)}, which must agree with the length the metadata declares when it declares
     * one (V2's {@code x-amz-unencrypted-content-length}): that entry is editable by anyone who can write the
     * bucket, the stored length is not without breaking the tag.
     */
    public static long plaintextLength(long ciphertextLength, java.util.OptionalLong declared) {
        long plaintextLength = plaintextLength(ciphertextLength);
        if (declared.isPresent() && declared.getAsLong() != plaintextLength) {
            throw new S3ecException(
                    S3ecException.Reason.INVALID_LENGTH,
                    "the declared plaintext length differs from the stored length's");
        }
        return plaintextLength;
    }

    public static long ciphertextLength(long plaintextLength) {
        if (plaintextLength < 0 || plaintextLength > GcmStream.MAX_PLAINTEXT_LENGTH) {
            throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "plaintext length out of range");
        }
        return plaintextLength + GcmStream.TAG_LENGTH;
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA512Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    private static void checkDataKey(byte[] dataKey) {
        if (dataKey == null || dataKey.length != DATA_KEY_LENGTH) {
            throw new S3ecException(S3ecException.Reason.KEY_UNWRAP_FAILED, "data key is not 256 bits");
        }
    }

    private static byte[] info(String label) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[2 + l.length];
        out[0] = SUITE_ID_BYTES[0];
        out[1] = SUITE_ID_BYTES[1];
        System.arraycopy(l, 0, out, 2, l.length);
        return out;
    }

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }
}
