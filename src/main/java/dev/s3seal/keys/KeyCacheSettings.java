package dev.s3seal.keys;

import java.time.Duration;

/**
 * Switches and bounds of {@link CachingKeyProvider}.
 *
 * @param encryptionEnabled    reuse one KMS-protected key-encryption key (KEK) for many objects
 * @param maxObjectsPerKek     objects wrapped under one KEK before a new one is generated (default 10,000: one
 *                             KMS call per 10,000 writes at most; as many keys as the read cache holds)
 * @param maxKekAge            age after which a KEK is no longer used for new objects (default 5 min)
 * @param maxEncryptionEntries distinct (bucket, extra context) KEKs held at once (default 1000)
 * @param decryptionEnabled    keep unwrapped keys (KEKs, or direct data keys) for repeated reads
 * @param decryptionTtl        how long an unwrapped key is kept (default 5 min)
 * @param maxDecryptionEntries unwrapped keys held at once (default 10000)
 */
public record KeyCacheSettings(
        boolean encryptionEnabled,
        int maxObjectsPerKek,
        Duration maxKekAge,
        int maxEncryptionEntries,
        boolean decryptionEnabled,
        Duration decryptionTtl,
        int maxDecryptionEntries) {

    public KeyCacheSettings {
        if (maxObjectsPerKek < 1 || maxEncryptionEntries < 1 || maxDecryptionEntries < 1) {
            throw new IllegalArgumentException("key cache sizes must be at least 1");
        }
        if (maxKekAge == null
                || maxKekAge.isNegative()
                || maxKekAge.isZero()
                || decryptionTtl == null
                || decryptionTtl.isNegative()
                || decryptionTtl.isZero()) {
            throw new IllegalArgumentException("key cache durations must be positive");
        }
    }

    public static KeyCacheSettings defaults() {
        return new KeyCacheSettings(true, 10_000, Duration.ofMinutes(5), 1000, true, Duration.ofMinutes(5), 10_000);
    }

    /** No reuse and no caching: one KMS call per object written and per object read. */
    public static KeyCacheSettings disabled() {
        return defaults().withEncryption(false).withDecryption(false);
    }

    public KeyCacheSettings withEncryption(boolean enabled) {
        return new KeyCacheSettings(
                enabled,
                maxObjectsPerKek,
                maxKekAge,
                maxEncryptionEntries,
                decryptionEnabled,
                decryptionTtl,
                maxDecryptionEntries);
    }

    public KeyCacheSettings withDecryption(boolean enabled) {
        return new KeyCacheSettings(
                encryptionEnabled,
                maxObjectsPerKek,
                maxKekAge,
                maxEncryptionEntries,
                enabled,
                decryptionTtl,
                maxDecryptionEntries);
    }

    public KeyCacheSettings withKekLimits(int maxObjects, Duration maxAge) {
        return new KeyCacheSettings(
                encryptionEnabled,
                maxObjects,
                maxAge,
                maxEncryptionEntries,
                decryptionEnabled,
                decryptionTtl,
                maxDecryptionEntries);
    }

    public KeyCacheSettings withDecryptionLimits(Duration ttl, int maxEntries) {
        return new KeyCacheSettings(
                encryptionEnabled,
                maxObjectsPerKek,
                maxKekAge,
                maxEncryptionEntries,
                decryptionEnabled,
                ttl,
                maxEntries);
    }
}
