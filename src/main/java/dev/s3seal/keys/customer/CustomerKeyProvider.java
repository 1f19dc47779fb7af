package dev.s3seal.keys.customer;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.KeyWrap;
import dev.s3seal.keys.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import reactor.core.publisher.Mono;

/**
 * {@code sse-c} emulated: data keys under a customer key that the client sends with each request
 * (SSE-C headers), for upstreams that cannot do SSE-C themselves.
 *
 * <p>Blob ({@link WrappedKey#ciphertext()}, provider {@value #PROVIDER}) = salt(16) || check(32) ||
 * wrap(60), where, with {@code K} the customer key and a fresh random salt per object:
 * <ul>
 * <li>check = HMAC-SHA256(K, "s3seal/sse-c-check/v1" || salt): the salted HMAC of the key that S3
 *     also keeps; a request with another key is refused by comparing it (constant time) before
 *     anything is decrypted;</li>
 * <li>KEK = HKDF-SHA256(ikm K, salt, info "s3seal/sse-c-kek/v1");</li>
 * <li>wrap = AES-256-GCM of the random data key under KEK, associated data naming the bucket and
 *     object key ({@link KeyWrap#aad}), so metadata copied to another object does not unwrap.</li>
 * </ul>
 * The customer key itself is never stored. {@link #close()} zeroes this provider's copy of it.
 */
public final class CustomerKeyProvider implements KeyProvider, AutoCloseable {

    public static final String PROVIDER = "sse-c";
    public static final String KEY_ID = "customer";
    static final String FORMAT_TAG = "s3seal/sse-c-wrap/v1";
    static final int SALT_LENGTH = 16;
    static final int CHECK_LENGTH = 32;
    static final int BLOB_LENGTH = SALT_LENGTH + CHECK_LENGTH + KeyWrap.WRAPPED_LENGTH;
    private static final byte[] CHECK_LABEL = "s3seal/sse-c-check/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEK_INFO = "s3seal/sse-c-kek/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] customerKey;

    /** Takes a copy of the 32-byte customer key; the caller wipes its own. */
    public CustomerKeyProvider(byte[] customerKey) {
        if (customerKey == null || customerKey.length != DataKey.LENGTH) {
            throw new IllegalArgumentException("an SSE-C customer key has " + DataKey.LENGTH + " bytes");
        }
        this.customerKey = customerKey.clone();
    }

    @Override
    public Mono<DataKey> generateDataKey(KeyContext context) {
        return Mono.fromCallable(() -> {
            byte[] salt = KeyWrap.randomBytes(SALT_LENGTH);
            byte[] check = check(salt);
            byte[] kek = kek(salt);
            byte[] dataKey = KeyWrap.randomKey();
            try {
                byte[] wrap = KeyWrap.wrap(kek, dataKey, KeyWrap.aad(FORMAT_TAG, KEY_ID, null, context));
                byte[] blob = new byte[BLOB_LENGTH];
                System.arraycopy(salt, 0, blob, 0, SALT_LENGTH);
                System.arraycopy(check, 0, blob, SALT_LENGTH, CHECK_LENGTH);
                System.arraycopy(wrap, 0, blob, SALT_LENGTH + CHECK_LENGTH, wrap.length);
                return new DataKey(dataKey, new WrappedKey(PROVIDER, KEY_ID, null, blob));
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
        });
    }

    @Override
    public Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context) {
        return Mono.fromCallable(() -> {
            byte[] blob = wrapped.ciphertextUnsafe();
            if (!PROVIDER.equals(wrapped.provider()) || blob.length != BLOB_LENGTH) {
                throw new KeyProviderException(
                        KeyProviderException.Reason.INVALID_CIPHERTEXT, "not a customer-key (sse-c) wrapped key");
            }
            if (!matches(blob)) {
                throw new KeyProviderException(
                        KeyProviderException.Reason.ACCESS_DENIED,
                        "the customer key does not match the key the object was stored under");
            }
            byte[] salt = Arrays.copyOfRange(blob, 0, SALT_LENGTH);
            byte[] kek = kek(salt);
            try {
                return KeyWrap.unwrap(
                        kek,
                        Arrays.copyOfRange(blob, SALT_LENGTH + CHECK_LENGTH, BLOB_LENGTH),
                        KeyWrap.aad(FORMAT_TAG, KEY_ID, null, context),
                        "sse-c unwrap");
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
        });
    }

    /** Whether this provider's customer key is the one whose salted HMAC {@code blob} holds (constant time). */
    boolean matches(byte[] blob) {
        byte[] salt = Arrays.copyOfRange(blob, 0, SALT_LENGTH);
        byte[] stored = Arrays.copyOfRange(blob, SALT_LENGTH, SALT_LENGTH + CHECK_LENGTH);
        return MessageDigest.isEqual(check(salt), stored);
    }

    private byte[] check(byte[] salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(customerKey, "HmacSHA256"));
            mac.update(CHECK_LABEL);
            return mac.doFinal(salt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private byte[] kek(byte[] salt) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(customerKey, salt, KEK_INFO));
        byte[] kek = new byte[DataKey.LENGTH];
        hkdf.generateBytes(kek, 0, kek.length);
        return kek;
    }

    @Override
    public void close() {
        Arrays.fill(customerKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "CustomerKeyProvider[key=<redacted>]";
    }
}
