package dev.s3seal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.keys.kms.KmsKeyProvider;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.testsupport.KmsCallCounter;
import dev.s3seal.testsupport.MotoServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** KMS call counts with the caches on and off, against a real moto KMS. */
class CachingKeyProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BUCKET = "cache-bucket";

    private final KmsCallCounter counter = new KmsCallCounter();
    private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
    private KmsKeyProvider kms;

    @BeforeEach
    void setUp() {
        MotoServer moto = MotoServer.get();
        String alias = "cache-test-" + UUID.randomUUID();
        moto.createKey(alias);
        KmsSettings settings =
                KmsSettings.of(moto.endpoint(), MotoServer.REGION).withCredentials(MotoServer.CREDENTIALS);
        kms = new KmsKeyProvider(KmsKeyProvider.clientBuilder(settings, counter).build(), "alias/" + alias, settings);
    }

    @AfterEach
    void tearDown() {
        kms.close();
    }

    private CachingKeyProvider caching(KeyCacheSettings settings) {
        return new CachingKeyProvider(kms, settings, ticker::get);
    }

    private List<DataKey> write(KeyProvider provider, int objects) {
        return Flux.range(0, objects)
                .concatMap(i -> provider.generateDataKey(KeyContext.of(BUCKET, "obj-" + i, Map.of("rule", "r1"))))
                .collectList()
                .block(WAIT);
    }

    private void readAll(KeyProvider provider, List<DataKey> keys) {
        for (int i = 0; i < keys.size(); i++) {
            byte[] expected = keys.get(i).plaintext();
            StepVerifier.create(provider.unwrap(
                            keys.get(i).wrapped(), KeyContext.of(BUCKET, "obj-" + i, Map.of("rule", "r1"))))
                    .assertNext(k -> assertThat(k).isEqualTo(expected))
                    .expectComplete()
                    .verify(WAIT);
        }
    }

    @Test
    void shouldCallGenerateDataKeyOnceWhenThousandObjectsAreWritten() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        List<DataKey> keys = write(provider, 1000);

        assertThat(counter.generateDataKey()).isEqualTo(1);
        assertThat(provider.encryptionMisses()).isEqualTo(1);
        assertThat(provider.encryptionHits()).isEqualTo(999);
        assertThat(keys).extracting(k -> k.wrapped().provider()).containsOnly("kms-layered");
        assertThat(keys.stream()
                        .map(k -> Arrays.hashCode(k.plaintext()))
                        .distinct()
                        .count())
                .as("every object has its own data key")
                .isEqualTo(1000);

        readAll(provider, keys);
        assertThat(counter.decrypt())
                .as("the KEK generated here primes the read cache")
                .isZero();

        CachingKeyProvider otherReplica = caching(KeyCacheSettings.defaults());
        readAll(otherReplica, keys);
        readAll(otherReplica, keys);
        assertThat(counter.decrypt())
                .as("one Decrypt per KEK on a cold replica")
                .isEqualTo(1);
        assertThat(otherReplica.decryptionMisses()).isEqualTo(1);
        assertThat(otherReplica.decryptionHits()).isEqualTo(1999);
    }

    @Test
    void shouldShareOneKmsCallWhenWritersRaceOnAnEmptyCache() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        List<DataKey> keys = Flux.range(0, 200)
                .flatMap(
                        i -> provider.generateDataKey(KeyContext.of(BUCKET, "obj-" + i, Map.of("rule", "r1")))
                                .subscribeOn(Schedulers.parallel()),
                        64)
                .collectList()
                .block(WAIT);
        assertThat(keys).hasSize(200);
        assertThat(counter.generateDataKey()).isEqualTo(1);
    }

    @Test
    void shouldShareOneKmsCallWhenReadersRaceOnAColdCache() {
        List<DataKey> keys = write(caching(KeyCacheSettings.defaults()), 200);
        CachingKeyProvider cold = caching(KeyCacheSettings.defaults());
        List<byte[]> read = Flux.range(0, 200)
                .flatMapSequential(
                        i -> cold.unwrap(keys.get(i).wrapped(), KeyContext.of(BUCKET, "obj-" + i, Map.of("rule", "r1")))
                                .subscribeOn(Schedulers.parallel()),
                        64)
                .collectList()
                .block(WAIT);

        for (int i = 0; i < keys.size(); i++) {
            assertThat(read.get(i))
                    .as("key of object %d", i)
                    .isEqualTo(keys.get(i).plaintext());
        }
        assertThat(counter.decrypt())
                .as("one Decrypt for 64 readers that missed together")
                .isEqualTo(1);
    }

    @Test
    void shouldGenerateNewKekWhenUseLimitIsReached() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults().withKekLimits(10, Duration.ofMinutes(5)));
        write(provider, 25);
        assertThat(counter.generateDataKey()).isEqualTo(3);
    }

    @Test
    void shouldServeTenThousandObjectsWithOneKekByDefault() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        write(provider, 10_000);
        assertThat(counter.generateDataKey())
                .as("one KMS call for the first 10,000 writes")
                .isEqualTo(1);
        write(provider, 1);
        assertThat(counter.generateDataKey())
                .as("the 10,001st write retires the KEK")
                .isEqualTo(2);
    }

    @Test
    void shouldGenerateNewKekWhenMaxAgeIsReached() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        write(provider, 3);
        ticker.addAndGet(Duration.ofMinutes(5).toNanos());
        write(provider, 3);
        assertThat(counter.generateDataKey()).isEqualTo(2);
    }

    @Test
    void shouldKeepSeparateKeksPerBucketAndExtraContext() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        for (int i = 0; i < 5; i++) {
            provider.generateDataKey(KeyContext.of("b1", "k" + i, Map.of("rule", "r1")))
                    .block(WAIT);
            provider.generateDataKey(KeyContext.of("b2", "k" + i, Map.of("rule", "r1")))
                    .block(WAIT);
            provider.generateDataKey(KeyContext.of("b1", "k" + i, Map.of("rule", "r2")))
                    .block(WAIT);
        }
        assertThat(counter.generateDataKey()).isEqualTo(3);
    }

    @Test
    void shouldRefuseWhenLayeredKeyIsCopiedToAnotherObject() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        DataKey dk = provider.generateDataKey(KeyContext.of(BUCKET, "original", Map.of("rule", "r1")))
                .block(WAIT);

        expectRefusal(provider, dk.wrapped(), KeyContext.of(BUCKET, "copy", Map.of("rule", "r1")));
        expectRefusal(provider, dk.wrapped(), KeyContext.of(BUCKET, "original", Map.of("rule", "r2")));
        expectRefusal(provider, dk.wrapped(), KeyContext.of("other-bucket", "original", Map.of("rule", "r1")));
        CachingKeyProvider cold = caching(KeyCacheSettings.defaults());
        expectRefusal(cold, dk.wrapped(), KeyContext.of(BUCKET, "copy", Map.of("rule", "r1")));
        expectRefusal(cold, dk.wrapped(), KeyContext.of("other-bucket", "original", Map.of("rule", "r1")));
    }

    @Test
    void shouldRefuseWhenLayeredBlobIsTampered() {
        CachingKeyProvider provider = caching(KeyCacheSettings.defaults());
        KeyContext ctx = KeyContext.of(BUCKET, "o", Map.of("rule", "r1"));
        WrappedKey w = provider.generateDataKey(ctx).block(WAIT).wrapped();
        byte[] blob = w.ciphertext();
        for (int i : new int[] {0, 1, 3, blob.length - 30, blob.length - 1}) {
            byte[] bad = blob.clone();
            bad[i] ^= 0x40;
            expectRefusal(provider, new WrappedKey(w.provider(), w.keyId(), w.keyVersion(), bad), ctx);
        }
        expectRefusal(
                provider,
                new WrappedKey(w.provider(), w.keyId(), w.keyVersion(), Arrays.copyOf(blob, blob.length - 1)),
                ctx);
    }

    @Test
    void shouldCallKmsOncePerObjectWhenCachingIsOff() {
        CachingKeyProvider provider = caching(KeyCacheSettings.disabled());
        List<DataKey> keys = write(provider, 20);
        assertThat(keys).extracting(k -> k.wrapped().provider()).containsOnly("kms");
        readAll(provider, keys);
        readAll(provider, keys);
        assertThat(counter.generateDataKey()).isEqualTo(20);
        assertThat(counter.decrypt()).isEqualTo(40);
    }

    @Test
    void shouldMakeNoDecryptCallWhenDirectKeysAreReadAgainWithinTtl() {
        List<DataKey> keys = write(caching(KeyCacheSettings.disabled()), 20);
        CachingKeyProvider reader = caching(KeyCacheSettings.defaults());
        readAll(reader, keys);
        assertThat(counter.decrypt()).isEqualTo(20);
        readAll(reader, keys);
        readAll(reader, keys);
        assertThat(counter.decrypt()).as("repeats within TTL").isEqualTo(20);
        assertThat(reader.decryptionHits()).isEqualTo(40);
    }

    @Test
    void shouldDecryptAgainWhenTtlExpires() {
        List<DataKey> keys = write(caching(KeyCacheSettings.disabled()), 2);
        CachingKeyProvider reader =
                caching(KeyCacheSettings.defaults().withDecryptionLimits(Duration.ofMinutes(5), 100));
        readAll(reader, keys);
        ticker.addAndGet(Duration.ofMinutes(5).minusNanos(1).toNanos());
        readAll(reader, keys);
        assertThat(counter.decrypt()).isEqualTo(2);
        ticker.addAndGet(1);
        readAll(reader, keys);
        assertThat(counter.decrypt()).isEqualTo(4);
    }

    @Test
    void shouldEvictLeastRecentlyUsedWhenSizeBoundIsReached() {
        List<DataKey> keys = write(caching(KeyCacheSettings.disabled()), 3);
        CachingKeyProvider reader = caching(KeyCacheSettings.defaults().withDecryptionLimits(Duration.ofMinutes(5), 2));
        readOne(reader, keys, 0);
        readOne(reader, keys, 1);
        readOne(reader, keys, 0); // hit: 1 is now the least recently used
        readOne(reader, keys, 2); // evicts 1
        assertThat(counter.decrypt()).isEqualTo(3);
        assertThat(reader.decryptionCacheSize()).isEqualTo(2);
        readOne(reader, keys, 0);
        assertThat(counter.decrypt()).as("0 was kept").isEqualTo(3);
        readOne(reader, keys, 1);
        assertThat(counter.decrypt()).as("1 was evicted").isEqualTo(4);
    }

    private void readOne(KeyProvider provider, List<DataKey> keys, int i) {
        StepVerifier.create(
                        provider.unwrap(keys.get(i).wrapped(), KeyContext.of(BUCKET, "obj-" + i, Map.of("rule", "r1"))))
                .assertNext(k -> assertThat(k).isEqualTo(keys.get(i).plaintext()))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void shouldNotLetCallersCorruptCachedKeys() {
        List<DataKey> keys = write(caching(KeyCacheSettings.disabled()), 1);
        CachingKeyProvider reader = caching(KeyCacheSettings.defaults());
        KeyContext ctx = KeyContext.of(BUCKET, "obj-0", Map.of("rule", "r1"));
        byte[] first = reader.unwrap(keys.get(0).wrapped(), ctx).block(WAIT);
        Arrays.fill(first, (byte) 0); // the caller wipes its copy, as it must
        assertThat(reader.unwrap(keys.get(0).wrapped(), ctx).block(WAIT))
                .isEqualTo(keys.get(0).plaintext());
        assertThat(counter.decrypt()).isEqualTo(1);
    }

    @Test
    void shouldNotServeCachedKeyForAnotherContext() {
        List<DataKey> keys = write(caching(KeyCacheSettings.disabled()), 1);
        CachingKeyProvider reader = caching(KeyCacheSettings.defaults());
        reader.unwrap(keys.get(0).wrapped(), KeyContext.of(BUCKET, "obj-0", Map.of("rule", "r1")))
                .block(WAIT);
        expectRefusal(reader, keys.get(0).wrapped(), KeyContext.of(BUCKET, "obj-9", Map.of("rule", "r1")));
    }

    @Test
    void shouldReadLayeredKeysWhenCachingIsSwitchedOff() {
        List<DataKey> keys = write(caching(KeyCacheSettings.defaults()), 5);
        CachingKeyProvider reader = caching(KeyCacheSettings.disabled());
        readAll(reader, keys);
        assertThat(counter.decrypt()).isEqualTo(5);
    }

    private void expectRefusal(KeyProvider provider, WrappedKey wrapped, KeyContext ctx) {
        StepVerifier.create(provider.unwrap(wrapped, ctx))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(KeyProviderException.class);
                    assertThat(((KeyProviderException) e).retryable()).isFalse();
                })
                .verify(WAIT);
    }
}
