package dev.s3seal.keys.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.WrappedKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** sse-c emulated key handling: salted HMAC check of the customer key, KEK bound to the object, no key at rest. */
class CustomerKeyProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final KeyContext OBJECT = KeyContext.of("bucket", "dir/object");

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 17 + i * 5 + 3);
        }
        return key;
    }

    @Test
    void shouldUnwrapTheDataKeyWhenTheSameCustomerKeyComesBack() {
        byte[] expected;
        WrappedKey wrapped;
        try (CustomerKeyProvider writer = new CustomerKeyProvider(key(1));
                DataKey dataKey = writer.generateDataKey(OBJECT).block(WAIT)) {
            expected = dataKey.plaintext().clone();
            wrapped = dataKey.wrapped();
        }
        assertThat(wrapped.provider()).isEqualTo("sse-c");
        assertThat(wrapped.ciphertext()).hasSize(16 + 32 + 12 + 32 + 16);
        try (CustomerKeyProvider reader = new CustomerKeyProvider(key(1))) {
            assertThat(reader.unwrap(wrapped, OBJECT).block(WAIT)).isEqualTo(expected);
        }
    }

    @Test
    void shouldRefuseWithAccessDeniedWhenTheCustomerKeyDiffersInOneBit() {
        WrappedKey wrapped = wrap(key(1), OBJECT);
        byte[] other = key(1);
        other[31] ^= 1;
        try (CustomerKeyProvider reader = new CustomerKeyProvider(other)) {
            assertThatThrownBy(() -> reader.unwrap(wrapped, OBJECT).block(WAIT))
                    .isInstanceOfSatisfying(
                            KeyProviderException.class,
                            e -> assertThat(e.reason()).isEqualTo(KeyProviderException.Reason.ACCESS_DENIED));
        }
    }

    @Test
    void shouldRefuseWhenTheWrappedKeyIsCopiedToAnotherObject() {
        WrappedKey wrapped = wrap(key(2), OBJECT);
        try (CustomerKeyProvider reader = new CustomerKeyProvider(key(2))) {
            assertThatThrownBy(() -> reader.unwrap(wrapped, KeyContext.of("bucket", "dir/other"))
                            .block(WAIT))
                    .isInstanceOfSatisfying(
                            KeyProviderException.class,
                            e -> assertThat(e.reason()).isEqualTo(KeyProviderException.Reason.INVALID_CIPHERTEXT));
            assertThatThrownBy(() -> reader.unwrap(wrapped, KeyContext.of("other-bucket", "dir/object"))
                            .block(WAIT))
                    .isInstanceOf(KeyProviderException.class);
        }
    }

    @Test
    void shouldRefuseWhenTheStoredHmacIsTampered() {
        WrappedKey wrapped = wrap(key(3), OBJECT);
        byte[] blob = wrapped.ciphertext();
        blob[20] ^= 0x40; // inside the HMAC
        WrappedKey tampered = new WrappedKey(wrapped.provider(), wrapped.keyId(), null, blob);
        try (CustomerKeyProvider reader = new CustomerKeyProvider(key(3))) {
            assertThat(reader.matches(blob)).isFalse();
            assertThat(reader.matches(wrapped.ciphertext())).isTrue();
            assertThatThrownBy(() -> reader.unwrap(tampered, OBJECT).block(WAIT))
                    .isInstanceOfSatisfying(
                            KeyProviderException.class,
                            e -> assertThat(e.reason()).isEqualTo(KeyProviderException.Reason.ACCESS_DENIED));
        }
    }

    @Test
    void shouldSaltEveryObjectSoEqualKeysLeaveNoEqualTraces() {
        WrappedKey first = wrap(key(4), OBJECT);
        WrappedKey second = wrap(key(4), OBJECT);
        assertThat(Arrays.copyOfRange(first.ciphertext(), 0, 48))
                .isNotEqualTo(Arrays.copyOfRange(second.ciphertext(), 0, 48));
    }

    @Test
    void shouldStoreNothingThatContainsTheCustomerKey() {
        byte[] customer = key(5);
        byte[] blob = wrap(customer, OBJECT).ciphertext();
        String stored = HexFormat.of().formatHex(blob);
        assertThat(stored).doesNotContain(HexFormat.of().formatHex(customer, 0, 8));
        assertThat(Base64.getEncoder().encodeToString(blob))
                .doesNotContain(Base64.getEncoder().encodeToString(customer));
    }

    @Test
    void shouldForgetTheCustomerKeyWhenClosed() {
        WrappedKey wrapped = wrap(key(6), OBJECT);
        CustomerKeyProvider reader = new CustomerKeyProvider(key(6));
        reader.close();
        // the zeroed key is no longer the customer's: its HMAC no longer matches
        assertThat(reader.matches(wrapped.ciphertext())).isFalse();
    }

    @Test
    void shouldRefuseKeysThatAreNot256Bits() {
        assertThatThrownBy(() -> new CustomerKeyProvider(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    private static WrappedKey wrap(byte[] customerKey, KeyContext context) {
        try (CustomerKeyProvider writer = new CustomerKeyProvider(customerKey);
                DataKey dataKey = writer.generateDataKey(context).block(WAIT)) {
            return dataKey.wrapped();
        }
    }
}
