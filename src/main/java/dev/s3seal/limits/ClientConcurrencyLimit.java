package dev.s3seal.limits;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code maxPerClient} requests in flight per principal. Every request past
 * authentication holds a pooled upstream connection for most of its life, so without a cap a few
 * slow uploads of one client exhaust the pool and every other client waits for a connection until
 * the acquire timeout. Past the cap the client gets {@code 503 SlowDown}, which SDKs retry with
 * back-off, and the others keep their share.
 *
 * <p>Non-blocking: one counter per principal; a {@link Permit} is released exactly once, on
 * whichever terminal signal comes first (completion, error or the client's cancel). Counters of
 * principals with nothing in flight stay in the map: there is one per configured client.
 */
public final class ClientConcurrencyLimit {

    private final int maxPerClient;
    private final LimitListener listener;
    private final ConcurrentMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public ClientConcurrencyLimit(int maxPerClient, LimitListener listener) {
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("maxPerClient must be at least 1, was " + maxPerClient);
        }
        this.maxPerClient = maxPerClient;
        this.listener = listener;
    }

    public int maxPerClient() {
        return maxPerClient;
    }

    /** A permit for one more request of {@code client}, or {@code SlowDown} when it has its maximum in flight. */
    public Permit acquire(String client) {
        AtomicInteger count = inFlight.computeIfAbsent(client, c -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerClient) {
            count.decrementAndGet();
            listener.limited(Limit.CLIENT_CONCURRENCY, client);
            throw new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
        return new Permit(count);
    }

    /** Requests of {@code client} in flight now. */
    public int inFlight(String client) {
        AtomicInteger count = inFlight.get(client);
        return count == null ? 0 : count.get();
    }

    /** One request's share of its client's cap; {@link #release()} is idempotent. */
    public static final class Permit {
        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(AtomicInteger count) {
            this.count = count;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
