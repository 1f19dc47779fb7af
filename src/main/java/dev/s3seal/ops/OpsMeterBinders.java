package dev.s3seal.ops;

import dev.s3seal.keys.CachingKeyProvider;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.limits.BodyBudget;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.stream.CryptoTraffic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.function.ToLongFunction;

/** Meters read from state other classes keep: cipher traffic, key caches, policy reloads, Netty's buffer allocators. */
public final class OpsMeterBinders implements MeterBinder {

    private final KeyRegistries keys;
    private final PolicyHolder policy;
    private final BodyBudget heldBodies;

    public OpsMeterBinders(KeyRegistries keys, PolicyHolder policy, BodyBudget heldBodies) {
        this.keys = keys;
        this.policy = policy;
        this.heldBodies = heldBodies;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        keyCache(registry, "encryption", "hit", CachingKeyProvider::encryptionHits);
        keyCache(registry, "encryption", "miss", CachingKeyProvider::encryptionMisses);
        keyCache(registry, "decryption", "hit", CachingKeyProvider::decryptionHits);
        keyCache(registry, "decryption", "miss", CachingKeyProvider::decryptionMisses);
        S3SealMeters.CRYPTO_BYTES.functionCounter(
                registry, CryptoTraffic.class, c -> CryptoTraffic.encryptedBytes(), "encrypt");
        S3SealMeters.CRYPTO_BYTES.functionCounter(
                registry, CryptoTraffic.class, c -> CryptoTraffic.decryptedBytes(), "decrypt");
        S3SealMeters.POLICY_RELOADS.functionCounter(registry, policy, PolicyHolder::reloadSuccesses, "ok");
        S3SealMeters.POLICY_RELOADS.functionCounter(registry, policy, PolicyHolder::reloadFailures, "failed");
        S3SealMeters.HELD_BODIES.functionCounter(registry, heldBodies, BodyBudget::heldCount, "held");
        S3SealMeters.HELD_BODIES.functionCounter(registry, heldBodies, BodyBudget::budgetFullCount, "budget_full");
        S3SealMeters.HELD_BODIES.functionCounter(registry, heldBodies, BodyBudget::tooLargeCount, "too_large");
        S3SealMeters.HELD_BODY_BYTES.gauge(registry, heldBodies, BodyBudget::reservedBytes);
        // Reactor Netty allocates from ByteBufAllocator.DEFAULT (pooled unless configured otherwise).
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(registry);
        }
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        }
        if (ByteBufAllocator.DEFAULT != UnpooledByteBufAllocator.DEFAULT) {
            new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
        }
    }

    private void keyCache(
            MeterRegistry registry, String cache, String result, ToLongFunction<CachingKeyProvider> count) {
        S3SealMeters.KEY_CACHE.functionCounter(
                registry,
                keys,
                k -> k.built().caches().stream().mapToLong(count).sum(),
                cache,
                result);
    }
}
