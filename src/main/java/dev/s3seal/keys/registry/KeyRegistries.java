package dev.s3seal.keys.registry;

import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.policy.Policy;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link KeyRegistry} of the policy in force. A reloaded policy gets a new registry, built
 * off the event loop (it reads key files); the previous one is closed.
 */
public final class KeyRegistries implements AutoCloseable {

    private static final java.time.Duration RETIRE_AFTER = java.time.Duration.ofMinutes(5);

    private final Supplier<Policy> currentPolicy;
    private final KmsSettings kmsSettings;
    private final KeyCacheSettings cacheSettings;
    private final AtomicReference<KeyRegistry> current = new AtomicReference<>();

    public KeyRegistries(Supplier<Policy> currentPolicy, KmsSettings kmsSettings, KeyCacheSettings cacheSettings) {
        this.currentPolicy = currentPolicy;
        this.kmsSettings = kmsSettings;
        this.cacheSettings = cacheSettings;
        current.set(new KeyRegistry(currentPolicy.get(), kmsSettings, cacheSettings));
    }

    public Mono<KeyRegistry> current() {
        Policy policy = currentPolicy.get();
        KeyRegistry registry = current.get();
        if (registry.policy() == policy) {
            return Mono.just(registry);
        }
        return Mono.fromCallable(() -> refresh(policy)).subscribeOn(Schedulers.boundedElastic());
    }

    /** The registry built last, without building one for a newer policy (metrics read its caches). */
    public KeyRegistry built() {
        return current.get();
    }

    private synchronized KeyRegistry refresh(Policy policy) {
        KeyRegistry registry = current.get();
        if (registry.policy() != policy) {
            KeyRegistry fresh = new KeyRegistry(policy, kmsSettings, cacheSettings);
            current.set(fresh);
            // requests that started under the old registry may still use its clients for a while
            KeyRegistry retired = registry;
            Schedulers.boundedElastic()
                    .schedule(retired::close, RETIRE_AFTER.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            registry = fresh;
        }
        return registry;
    }

    @Override
    public void close() {
        current.get().close();
    }
}
