package dev.s3seal.keys.local;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.KeyWrap;
import dev.s3seal.keys.WrappedKey;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * {@code cse-local} (CSE-C): data keys wrapped locally under a master key of a {@link LocalKeyRing}.
 *
 * <p>New data keys are wrapped under the active version of the configured name; unwrapping uses the
 * name and version recorded in the {@link WrappedKey}, so any loaded version (for example the one
 * before a rotation) still reads. Wrap = AES-256-GCM, random 12-byte nonce, blob = nonce||ct||tag,
 * associated data = canonical encoding of (format tag, key name, key version, bucket, object key,
 * sorted extra context): a wrapped key copied to another object, or relabelled with another key
 * version, fails to unwrap. All work is in memory, so the returned monos complete synchronously.
 */
public final class LocalKeyProvider implements KeyProvider {

    static final String FORMAT_TAG = "s3seal/local-wrap/v1";

    private final LocalKeyRing ring;
    private final String keyName;

    public LocalKeyProvider(LocalKeyRing ring, String keyName) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.keyName = Objects.requireNonNull(keyName, "keyName");
        ring.active(keyName); // fail fast when the name is unknown
    }

    @Override
    public Mono<DataKey> generateDataKey(KeyContext context) {
        return Mono.fromCallable(() -> {
            LocalMasterKey master = ring.active(keyName);
            byte[] plaintext = KeyWrap.randomKey();
            byte[] blob = KeyWrap.wrap(
                    master.material(), plaintext, KeyWrap.aad(FORMAT_TAG, master.name(), master.version(), context));
            return new DataKey(plaintext, new WrappedKey(WrappedKey.LOCAL, master.name(), master.version(), blob));
        });
    }

    @Override
    public Mono<WrappedKey> wrap(byte[] plaintext, KeyContext context) {
        return Mono.fromCallable(() -> {
            LocalMasterKey master = ring.active(keyName);
            byte[] blob = KeyWrap.wrap(
                    master.material(), plaintext, KeyWrap.aad(FORMAT_TAG, master.name(), master.version(), context));
            return new WrappedKey(WrappedKey.LOCAL, master.name(), master.version(), blob);
        });
    }

    @Override
    public Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context) {
        return Mono.fromCallable(() -> {
            if (!WrappedKey.LOCAL.equals(wrapped.provider())) {
                throw new KeyProviderException(
                        KeyProviderException.Reason.INVALID_REQUEST,
                        "local key provider cannot unwrap a key of provider " + wrapped.provider());
            }
            LocalMasterKey master = ring.find(wrapped.keyId(), String.valueOf(wrapped.keyVersion()))
                    .orElseThrow(() -> new KeyProviderException(
                            KeyProviderException.Reason.UNKNOWN_KEY,
                            "local master key " + wrapped.keyId() + "/" + wrapped.keyVersion() + " is not loaded"));
            return KeyWrap.unwrap(
                    master.material(),
                    wrapped.ciphertextUnsafe(),
                    KeyWrap.aad(FORMAT_TAG, master.name(), master.version(), context),
                    "local unwrap");
        });
    }

    public String keyName() {
        return keyName;
    }

    @Override
    public String toString() {
        return "LocalKeyProvider[" + keyName + ", active="
                + ring.active(keyName).version() + "]";
    }
}
