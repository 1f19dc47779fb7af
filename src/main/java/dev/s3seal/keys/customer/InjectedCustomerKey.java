package dev.s3seal.keys.customer;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.local.LocalMasterKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A customer key that s3seal sends upstream as SSE-C headers ({@code sse-c} with {@code variant:
 * inject}), held as the two header values S3 needs: the key and its MD5, both base64. Header values
 * are strings, so this encoded form cannot be zeroed; it lives as long as the policy's registry and
 * never appears in {@link #toString()}, logs or responses.
 */
public final class InjectedCustomerKey {

    private final String name;
    private final String base64Key;
    private final String base64Md5;

    private InjectedCustomerKey(String name, String base64Key, String base64Md5) {
        this.name = name;
        this.base64Key = base64Key;
        this.base64Md5 = base64Md5;
    }

    /** Encodes 32 raw key bytes (the caller still owns and wipes {@code key}). */
    public static InjectedCustomerKey of(String name, byte[] key) {
        if (key == null || key.length != DataKey.LENGTH) {
            throw new IllegalArgumentException("customer key " + name + " must be " + DataKey.LENGTH + " bytes");
        }
        return new InjectedCustomerKey(
                name,
                Base64.getEncoder().encodeToString(key),
                Base64.getEncoder().encodeToString(md5(key)));
    }

    public static InjectedCustomerKey of(LocalMasterKey loaded) {
        try {
            return of(loaded.name(), loaded.material());
        } finally {
            loaded.destroy();
        }
    }

    public String name() {
        return name;
    }

    /** The value of {@code x-amz-server-side-encryption-customer-key}. */
    public String base64Key() {
        return base64Key;
    }

    /** The value of {@code x-amz-server-side-encryption-customer-key-MD5}. */
    public String base64Md5() {
        return base64Md5;
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "InjectedCustomerKey[" + name + ", key=<redacted>]";
    }
}
