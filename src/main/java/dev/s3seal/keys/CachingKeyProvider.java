package dev.s3seal.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link KeyProvider} decorator that cuts KMS calls to at most one {@code GenerateDataKey} per
 * {@code maxObjectsPerKek} objects written and to none for repeated reads, without loosening the
 * binding of a wrapped key to its object.
 *
 * <h2>Encryption: two levels</h2>
 * A KMS data key cannot simply be reused for many objects: its KMS encryption context names one
 * object. Instead this class asks the delegate for a <em>key-encryption key</em> (KEK) under a
 * <em>bucket-scope</em> context ({@code s3seal:bucket} + the rule's extra context, no object key),
 * keeps it for up to {@code maxObjectsPerKek} objects or {@code maxKekAge}, and for every object
 * generates a fresh random 256-bit data key locally and wraps it under the KEK with AES-256-GCM whose
 * associated data names the bucket, the object key and the extra context. The object's
 * {@link WrappedKey} (provider {@code <base>-layered}) carries both: the KMS blob of the KEK and the
 * local wrap of the data key ({@link LayeredKeyBlob}).
 *
 * <p>Why this is safe: every object still has its own random data key; the KEK only ever wraps
 * 32-byte keys under random 96-bit nonces, at most {@code maxObjectsPerKek} times (far below GCM's
 * 2^32 random-nonce bound); unwrapping needs KMS to release the KEK for the same bucket and extra
 * context, and then the GCM tag to verify for the same object name. A wrapped key copied to another
 * object fails the tag; copied to another bucket or rule, KMS refuses the KEK. Trade-offs: a KEK in
 * memory exposes the data keys of up to {@code maxObjectsPerKek} objects; CloudTrail records one
 * KMS call per KEK with the bucket-level context instead of one per object; revoking KMS access takes
 * effect for cached keys only after {@code maxKekAge} / {@code decryptionTtl}.
 *
 * <p>Concurrent writers share one in-flight KEK request per (bucket, extra context). A KEK is zeroed
 * once it is retired (exhausted, too old, evicted by the size bound) and no write still uses it.
 *
 * <h2>Decryption</h2>
 * Unwrapped keys are cached by (wrapped blob, context), with a TTL and a size bound: for layered
 * keys the KEK (keyed by its KMS blob and the bucket-scope context, so one KMS {@code Decrypt} serves
 * every object under that KEK), for direct keys the data key itself. KEKs generated here prime the
 * cache, so reading back recently written objects makes no KMS call. The cache returns copies;
 * callers wipe theirs; evicted entries are zeroed. The context is part of the cache key, so a hit
 * never skips the check KMS would have made. Readers that miss together share one KMS call.
 *
 * <p>Layered keys are always readable, whatever the switches: turning caching off changes how new
 * objects are written, never whether old ones read.
 */
public final class CachingKeyProvider implements KeyProvider {

    static final String LAYERED_TAG = "s3seal/layered-wrap/v1";

    private final KeyProvider delegate;
    private final KeyCacheSettings settings;
    private final LongSupplier ticker;
    private final @Nullable SecretCache<UnwrapKey> unwrapped;
    private final ConcurrentHashMap<UnwrapKey, Mono<Void>> unwrapsInFlight = new ConcurrentHashMap<>();
    private final Object slotsLock = new Object();
    private final LinkedHashMap<KeyContext, KekSlot> slots = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong encryptionHits = new AtomicLong();
    private final AtomicLong encryptionMisses = new AtomicLong();

    /** Cache key of an unwrapped key: the wrapped form (value equality) and the exact context. */
    private record UnwrapKey(WrappedKey wrapped, KeyContext context) {}

    /** A KEK: its plaintext (owned by the slot) and its wrapped form. */
    private record Kek(byte[] key, WrappedKey wrapped) {}

    public CachingKeyProvider(KeyProvider delegate, KeyCacheSettings settings) {
        this(delegate, settings, System::nanoTime);
    }

    /** {@code ticker} is a nanosecond clock (tests inject a fake one). */
    public CachingKeyProvider(KeyProvider delegate, KeyCacheSettings settings, LongSupplier ticker) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.unwrapped = settings.decryptionEnabled()
                ? new SecretCache<>(
                        settings.maxDecryptionEntries(),
                        settings.decryptionTtl().toNanos(),
                        ticker)
                : null;
    }

    @Override
    public Mono<DataKey> generateDataKey(KeyContext context) {
        if (context.isBucketScope()) {
            return Mono.error(new IllegalArgumentException("a data key needs an object key in its context"));
        }
        if (!settings.encryptionEnabled()) {
            return delegate.generateDataKey(context).doOnNext(dk -> remember(dk.wrapped(), context, dk.plaintext()));
        }
        return Mono.defer(() -> {
            KekSlot slot = reserveSlot(context.toBucketScope());
            // Released as soon as the wrap is done (so a retire right after the caller sees its key
            // wipes the KEK at once), or on cancel/error; whichever comes first, once.
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    slot.release();
                }
            };
            return slot.kek
                    .map(kek -> {
                        try {
                            return wrapUnderKek(kek, context);
                        } finally {
                            release.run();
                        }
                    })
                    .doFinally(signal -> release.run());
        });
    }

    /** Wraps an existing data key like a new one: under the current KEK of the bucket scope (or directly when off). */
    @Override
    public Mono<WrappedKey> wrap(byte[] plaintext, KeyContext context) {
        if (context.isBucketScope()) {
            return Mono.error(new IllegalArgumentException("a data key needs an object key in its context"));
        }
        if (!settings.encryptionEnabled()) {
            return delegate.wrap(plaintext, context);
        }
        return Mono.defer(() -> {
            KekSlot slot = reserveSlot(context.toBucketScope());
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    slot.release();
                }
            };
            return slot.kek
                    .map(kek -> {
                        try {
                            return layeredWrap(kek, context, plaintext);
                        } finally {
                            release.run();
                        }
                    })
                    .doFinally(signal -> release.run());
        });
    }

    @Override
    public Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context) {
        if (!wrapped.isLayered()) {
            return cachedUnwrap(wrapped, context);
        }
        return Mono.defer(() -> {
            LayeredKeyBlob blob = LayeredKeyBlob.decode(wrapped.ciphertextUnsafe());
            WrappedKey kekWrapped =
                    new WrappedKey(wrapped.baseProvider(), wrapped.keyId(), wrapped.keyVersion(), blob.outer());
            byte[] aad = KeyWrap.aad(
                    LAYERED_TAG + "/" + wrapped.baseProvider(), wrapped.keyId(), wrapped.keyVersion(), context);
            return cachedUnwrap(kekWrapped, context.toBucketScope()).map(kek -> {
                try {
                    return KeyWrap.unwrap(kek, blob.inner(), aad, "layered unwrap");
                } finally {
                    Arrays.fill(kek, (byte) 0);
                }
            });
        });
    }

    /** Writes that reused a cached KEK. */
    public long encryptionHits() {
        return encryptionHits.get();
    }

    /** Writes that needed a new KEK (at most one KMS call each; concurrent misses share one). */
    public long encryptionMisses() {
        return encryptionMisses.get();
    }

    public long decryptionHits() {
        return unwrapped == null ? 0 : unwrapped.hits();
    }

    public long decryptionMisses() {
        return unwrapped == null ? 0 : unwrapped.misses();
    }

    public int decryptionCacheSize() {
        return unwrapped == null ? 0 : unwrapped.size();
    }

    public int encryptionCacheSize() {
        synchronized (slotsLock) {
            return slots.size();
        }
    }

    /** Retires every KEK and wipes every cached key (for shutdown or a forced rotation). */
    public void invalidateAll() {
        synchronized (slotsLock) {
            slots.values().forEach(KekSlot::retire);
            slots.clear();
        }
        if (unwrapped != null) {
            unwrapped.clear();
        }
    }

    @Override
    public String toString() {
        return "CachingKeyProvider[" + delegate + ", " + settings + "]";
    }

    private Mono<byte[]> cachedUnwrap(WrappedKey wrapped, KeyContext context) {
        SecretCache<UnwrapKey> cache = unwrapped;
        if (cache == null) {
            return delegate.unwrap(wrapped, context);
        }
        return Mono.defer(() -> {
            UnwrapKey cacheKey = new UnwrapKey(wrapped, context);
            byte[] hit = cache.getCopy(cacheKey);
            if (hit != null) {
                return Mono.just(hit);
            }
            // Readers that miss together (a cold replica, or every reader of a hot object when its entry
            // expires) share one KMS call. The shared call only fills the cache, so no key array is handed
            // to two owners; each reader then takes its own copy, or asks KMS itself if the entry is
            // already gone again (evicted, or expired at once).
            Mono<Void> flight = unwrapsInFlight.computeIfAbsent(
                    cacheKey,
                    key -> delegate.unwrap(wrapped, context)
                            .doOnNext(plaintext -> {
                                cache.put(key, plaintext);
                                Arrays.fill(plaintext, (byte) 0);
                            })
                            .then()
                            .doFinally(signal -> unwrapsInFlight.remove(key))
                            .cache());
            return flight.then(Mono.defer(() -> {
                byte[] filled = cache.getCopyAgain(cacheKey);
                return filled != null ? Mono.just(filled) : delegate.unwrap(wrapped, context);
            }));
        });
    }

    private void remember(WrappedKey wrapped, KeyContext context, byte[] plaintext) {
        if (unwrapped != null) {
            unwrapped.put(new UnwrapKey(wrapped, context), plaintext);
        }
    }

    private DataKey wrapUnderKek(Kek kek, KeyContext context) {
        byte[] dataKey = KeyWrap.randomKey();
        return new DataKey(dataKey, layeredWrap(kek, context, dataKey));
    }

    private static WrappedKey layeredWrap(Kek kek, KeyContext context, byte[] dataKey) {
        WrappedKey outer = kek.wrapped();
        byte[] inner = KeyWrap.wrap(
                kek.key(),
                dataKey,
                KeyWrap.aad(LAYERED_TAG + "/" + outer.provider(), outer.keyId(), outer.keyVersion(), context));
        byte[] blob = new LayeredKeyBlob(outer.ciphertextUnsafe(), inner).encode();
        return new WrappedKey(outer.provider() + WrappedKey.LAYERED_SUFFIX, outer.keyId(), outer.keyVersion(), blob);
    }

    /** The current slot for {@code scope} with one use reserved, replacing it when spent or old. */
    private KekSlot reserveSlot(KeyContext scope) {
        synchronized (slotsLock) {
            long now = ticker.getAsLong();
            KekSlot slot = slots.get(scope);
            if (slot != null && slot.tryReserve(now)) {
                encryptionHits.incrementAndGet();
                return slot;
            }
            if (slot != null) {
                slots.remove(scope);
                slot.retire();
            }
            encryptionMisses.incrementAndGet();
            KekSlot fresh = new KekSlot(scope, now);
            fresh.tryReserve(now);
            slots.put(scope, fresh);
            Iterator<KekSlot> eldest = slots.values().iterator();
            while (slots.size() > settings.maxEncryptionEntries() && eldest.hasNext()) {
                eldest.next().retire();
                eldest.remove();
            }
            return fresh;
        }
    }

    private void dropSlot(KeyContext scope, KekSlot slot) {
        synchronized (slotsLock) {
            slots.remove(scope, slot);
        }
        slot.retire();
    }

    /**
     * One KEK's lifetime. Uses are reserved before the KEK is touched and released after the wrap, so
     * the KEK is zeroed only when the slot is retired and nobody is mid-wrap.
     */
    private final class KekSlot {
        private final long createdAt;
        private final Mono<Kek> kek;
        private final List<byte[]> secrets = new ArrayList<>(1);
        private int uses;
        private int inFlight;
        private boolean retired;

        KekSlot(KeyContext scope, long createdAt) {
            this.createdAt = createdAt;
            this.kek = delegate.generateDataKey(scope)
                    .map(dk -> new Kek(dk.plaintext(), dk.wrapped()))
                    .doOnNext(k -> {
                        resolved(k);
                        remember(k.wrapped(), scope, k.key());
                    })
                    .doOnError(e -> dropSlot(scope, this))
                    .cache();
        }

        synchronized boolean tryReserve(long now) {
            if (retired
                    || uses >= settings.maxObjectsPerKek()
                    || now - createdAt >= settings.maxKekAge().toNanos()) {
                return false;
            }
            uses++;
            inFlight++;
            return true;
        }

        synchronized void release() {
            inFlight--;
            wipeIfUnused();
        }

        synchronized void retire() {
            retired = true;
            wipeIfUnused();
        }

        private synchronized void resolved(Kek k) {
            secrets.add(k.key());
            wipeIfUnused();
        }

        private void wipeIfUnused() {
            if (retired && inFlight == 0) {
                secrets.forEach(s -> Arrays.fill(s, (byte) 0));
            }
        }
    }
}
