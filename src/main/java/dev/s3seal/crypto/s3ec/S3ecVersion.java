package dev.s3seal.crypto.s3ec;

/**
 * Metadata format versions of the AWS S3 Encryption Client that this codec reads.
 *
 * <ul>
 *   <li>{@link #V2}: {@code x-amz-key-v2}, {@code x-amz-iv}, {@code x-amz-cek-alg=AES/GCM/NoPadding}: AES-256-GCM
 *       directly under the data key, random 12-byte IV, no associated data, no key commitment.</li>
 *   <li>{@link #V3}: {@code x-amz-c=115} (suite 0x0073, ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY): content key and a
 *       28-byte commitment derived by HKDF-SHA512 from the data key and a 28-byte message id.</li>
 * </ul>
 * V1 (AES-CBC, {@code x-amz-key}) is refused: it is unauthenticated.
 */
public enum S3ecVersion {
    V2,
    V3
}
