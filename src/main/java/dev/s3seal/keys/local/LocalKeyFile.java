package dev.s3seal.keys.local;

import dev.s3seal.keys.CachingKeyProvider;
import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.KeyProvider;
import java.nio.file.Path;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One local master key file used outside the proxy, by the command-line tools: read once, in the format
 * {@link LocalMasterKey} loads (32 bytes, base64 or hex), under the name and version the caller says it has
 * (for a read: the ones the object's wrapped key records, so a wrong file fails the wrap's tag, never
 * decrypts). It offers the key the way each object format uses it: s3seal's local wrap (layered wraps
 * included, as the proxy reads them) and the AWS S3 Encryption Client's raw AES keyring. {@link #close()}
 * zeroes the material.
 */
public final class LocalKeyFile implements AutoCloseable {

    private final LocalMasterKey key;

    private LocalKeyFile(LocalMasterKey key) {
        this.key = key;
    }

    /**
     * Reads {@code file} as version {@code version} of the local master key {@code name}.
     *
     * @throws IllegalArgumentException if the file cannot be read or does not hold a 256-bit key (the
     *         message names the file, never its content)
     */
    public static LocalKeyFile read(Path file, String name, String version) {
        return new LocalKeyFile(LocalMasterKey.fromFile(name, version, file));
    }

    /** s3seal's {@code cse-local} provider for this key alone; unwraps direct and layered wraps. */
    public KeyProvider provider() {
        LocalKeyRing ring = LocalKeyRing.builder().addActive(key).build();
        return new CachingKeyProvider(new LocalKeyProvider(ring, key.name()), KeyCacheSettings.disabled());
    }

    /** The key as the S3 Encryption Client's raw AES keyring uses it ({@code AES/GCM} wraps). */
    public SecretKey s3ecKey() {
        return new SecretKeySpec(key.material(), "AES");
    }

    @Override
    public void close() {
        key.destroy();
    }
}
