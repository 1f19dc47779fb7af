package dev.s3seal.keys;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What goes into object metadata for a data key: the provider kind, the master key id (KMS key id,
 * ARN or alias; or a local key name), the master key version (local keys only, {@code null} for KMS)
 * and the wrapped blob. Nothing here is secret.
 *
 * <p>Provider kinds: {@value #KMS} (blob = a KMS ciphertext blob), {@value #LOCAL} (blob =
 * nonce||ct||tag of an AES-256-GCM wrap), and the layered forms {@code kms-layered} /
 * {@code local-layered} written by {@link CachingKeyProvider} (blob = a bucket-scope KEK wrapped by
 * the named provider, followed by the object's data key wrapped under that KEK).
 *
 * <p>The blob is defensively copied in and out; equality is by value.
 */
public record WrappedKey(
        String provider, String keyId, @Nullable String keyVersion, byte[] ciphertext) {

    public static final String KMS = "kms";
    public static final String LOCAL = "local";
    static final String LAYERED_SUFFIX = "-layered";

    public WrappedKey {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(ciphertext, "ciphertext");
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** Whether this is a layered (KEK + per-object wrap) form written by {@link CachingKeyProvider}. */
    public boolean isLayered() {
        return provider.endsWith(LAYERED_SUFFIX);
    }

    /** The provider kind that holds the master key: {@code kms} or {@code local}. */
    public String baseProvider() {
        return isLayered() ? provider.substring(0, provider.length() - LAYERED_SUFFIX.length()) : provider;
    }

    int ciphertextLength() {
        return ciphertext.length;
    }

    public byte[] ciphertextUnsafe() {
        return ciphertext;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof WrappedKey w
                && provider.equals(w.provider)
                && keyId.equals(w.keyId)
                && Objects.equals(keyVersion, w.keyVersion)
                && Arrays.equals(ciphertext, w.ciphertext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(provider, keyId, keyVersion) * 31 + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "WrappedKey[provider=" + provider + ", keyId=" + keyId + ", keyVersion=" + keyVersion + ", ciphertext="
                + ciphertext.length + " bytes]";
    }
}
