package dev.s3seal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.keys.local.LocalKeyProvider;
import dev.s3seal.keys.local.LocalKeyRing;
import dev.s3seal.keys.local.LocalMasterKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** KEKs are zeroed when retired, and a retired KEK still in use is not zeroed under a writer. */
class KekLifecycleTest {

    /** A real local provider that remembers the plaintext arrays it hands out, to check wiping. */
    private static final class RecordingProvider implements KeyProvider {
        final List<byte[]> handedOut = new CopyOnWriteArrayList<>();
        final LocalKeyProvider local = new LocalKeyProvider(
                LocalKeyRing.builder()
                        .add(LocalMasterKey.of("m", "v1", new byte[32]))
                        .build(),
                "m");

        @Override
        public Mono<DataKey> generateDataKey(KeyContext context) {
            return local.generateDataKey(context).doOnNext(dk -> handedOut.add(dk.plaintext()));
        }

        @Override
        public Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context) {
            return local.unwrap(wrapped, context);
        }
    }

    private static boolean zeroed(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldWipeKekWhenItIsExhausted() {
        RecordingProvider inner = new RecordingProvider();
        CachingKeyProvider provider =
                new CachingKeyProvider(inner, KeyCacheSettings.defaults().withKekLimits(2, Duration.ofMinutes(5)));
        for (int i = 0; i < 3; i++) {
            provider.generateDataKey(KeyContext.of("b", "k" + i)).block(Duration.ofSeconds(5));
        }
        assertThat(inner.handedOut).hasSize(2);
        assertThat(zeroed(inner.handedOut.get(0))).as("retired KEK").isTrue();
        assertThat(zeroed(inner.handedOut.get(1))).as("current KEK").isFalse();
        provider.invalidateAll();
        assertThat(zeroed(inner.handedOut.get(1))).isTrue();
        assertThat(provider.encryptionCacheSize()).isZero();
    }

    @Test
    void shouldWipeKekWhenEvictedBySizeBound() {
        RecordingProvider inner = new RecordingProvider();
        CachingKeyProvider provider = new CachingKeyProvider(
                inner, new KeyCacheSettings(true, 1000, Duration.ofMinutes(5), 2, true, Duration.ofMinutes(5), 10));
        for (String bucket : List.of("b1", "b2", "b3")) {
            provider.generateDataKey(KeyContext.of(bucket, "k")).block(Duration.ofSeconds(5));
        }
        assertThat(provider.encryptionCacheSize()).isEqualTo(2);
        assertThat(zeroed(inner.handedOut.get(0))).isTrue();
        assertThat(zeroed(inner.handedOut.get(2))).isFalse();
    }

    @Test
    void shouldStillServeWritersWhenFirstWriterCancelsWhileKekIsInFlight() {
        RecordingProvider recording = new RecordingProvider();
        KeyProvider slow = new KeyProvider() {
            @Override
            public Mono<DataKey> generateDataKey(KeyContext context) {
                return recording.generateDataKey(context).delayElement(Duration.ofMillis(200));
            }

            @Override
            public Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context) {
                return recording.unwrap(wrapped, context);
            }
        };
        CachingKeyProvider provider = new CachingKeyProvider(slow, KeyCacheSettings.defaults());
        provider.generateDataKey(KeyContext.of("b", "cancelled")).subscribe().dispose();
        DataKey dk = provider.generateDataKey(KeyContext.of("b", "k")).block(Duration.ofSeconds(5));
        assertThat(provider.unwrap(dk.wrapped(), KeyContext.of("b", "k")).block(Duration.ofSeconds(5)))
                .isEqualTo(dk.plaintext());
        assertThat(recording.handedOut).as("KEK generations").hasSizeLessThanOrEqualTo(2);
        provider.invalidateAll();
        assertThat(recording.handedOut).allMatch(KekLifecycleTest::zeroed);
    }

    @Test
    void shouldLayerOverLocalProviderAndRoundTrip() {
        CachingKeyProvider provider = new CachingKeyProvider(new RecordingProvider(), KeyCacheSettings.defaults());
        DataKey dk = provider.generateDataKey(KeyContext.of("b", "k")).block(Duration.ofSeconds(5));
        assertThat(dk.wrapped().provider()).isEqualTo("local-layered");
        CachingKeyProvider cold = new CachingKeyProvider(new RecordingProvider(), KeyCacheSettings.disabled());
        assertThat(cold.unwrap(dk.wrapped(), KeyContext.of("b", "k")).block(Duration.ofSeconds(5)))
                .isEqualTo(dk.plaintext());
    }

    @Test
    void shouldWipeDecryptionCacheEntriesWhenEvicted() {
        AtomicTicker ticker = new AtomicTicker();
        SecretCache<String> cache = new SecretCache<>(1, 100, ticker::now);
        byte[] secret = {1, 2, 3};
        cache.put("a", secret);
        assertThat(secret).containsExactly(1, 2, 3); // the caller's array is not taken over
        byte[] copy = cache.getCopy("a");
        copy[0] = 9;
        assertThat(cache.getCopy("a")).containsExactly(1, 2, 3);
        cache.put("b", new byte[] {4});
        assertThat(cache.getCopy("a")).isNull();
        assertThat(cache.evictions()).isEqualTo(1);
        ticker.value += 100;
        assertThat(cache.getCopy("b")).isNull();
        assertThat(cache.size()).isZero();
    }

    private static final class AtomicTicker {
        volatile long value;

        long now() {
            return value;
        }
    }
}
