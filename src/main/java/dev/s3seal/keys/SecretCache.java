package dev.s3seal.keys;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A small bounded LRU cache of secret byte arrays with a time-to-live, behind one monitor.
 *
 * <p>Values are copied in and out: a caller can never modify a cached key, and wipes its own copy.
 * Entries are zeroed when they expire, are evicted by the size bound, replaced, or cleared.
 * Caffeine would do this better at scale; it is not on the classpath, and at the sizes used here
 * (thousands of 32-byte keys, O(1) work under the lock) an access-ordered {@link LinkedHashMap}
 * under a monitor is enough.
 */
final class SecretCache<K> {

    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier ticker;
    private final Object lock = new Object();
    private final LinkedHashMap<K, Entry> map = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    private record Entry(byte[] secret, long expiresAt) {}

    SecretCache(int maxEntries, long ttlNanos, LongSupplier ticker) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cache size must be at least 1: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.ttlNanos = ttlNanos;
        this.ticker = ticker;
    }

    /** A copy of the cached secret, or {@code null}; the caller wipes the copy. Counted as a hit or miss. */
    byte @Nullable [] getCopy(K key) {
        byte[] copy = copyOf(key);
        (copy == null ? misses : hits).incrementAndGet();
        return copy;
    }

    /** As {@link #getCopy}, not counted: a second look by a reader whose miss was counted already. */
    byte @Nullable [] getCopyAgain(K key) {
        return copyOf(key);
    }

    private byte @Nullable [] copyOf(K key) {
        synchronized (lock) {
            Entry e = map.get(key);
            if (e != null && ticker.getAsLong() - e.expiresAt >= 0) {
                map.remove(key);
                wipe(e);
                e = null;
            }
            return e == null ? null : e.secret.clone();
        }
    }

    /** Caches a copy of {@code secret}; the caller keeps ownership of its array. */
    void put(K key, byte[] secret) {
        synchronized (lock) {
            long now = ticker.getAsLong();
            Entry old = map.put(key, new Entry(secret.clone(), now + ttlNanos));
            if (old != null) {
                Arrays.fill(old.secret, (byte) 0);
            }
            purgeExpired(now);
            Iterator<Entry> eldest = map.values().iterator();
            while (map.size() > maxEntries && eldest.hasNext()) {
                wipe(eldest.next());
                eldest.remove();
            }
        }
    }

    void clear() {
        synchronized (lock) {
            map.values().forEach(this::wipe);
            map.clear();
        }
    }

    int size() {
        synchronized (lock) {
            return map.size();
        }
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }

    long evictions() {
        return evictions.get();
    }

    /** Drops expired entries from the LRU end: bounded work per call, amortised over puts. */
    private void purgeExpired(long now) {
        Iterator<Map.Entry<K, Entry>> it = map.entrySet().iterator();
        for (int i = 0; i < 8 && it.hasNext(); i++) {
            Entry e = it.next().getValue();
            if (now - e.expiresAt >= 0) {
                wipe(e);
                it.remove();
            }
        }
    }

    private void wipe(Entry e) {
        Arrays.fill(e.secret, (byte) 0);
        evictions.incrementAndGet();
    }
}
