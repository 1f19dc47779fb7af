package dev.s3seal.limits;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one memory budget, shared by every request in the process, for bodies s3seal holds whole so
 * it can send them upstream in one request (a PutObject whose plaintext MD5 must be known before
 * its headers go out). A request asks with {@link #tryReserve}; it never waits: when the body is
 * larger than {@code maxBodyBytes}, or the budget has not that many bytes left, the answer is empty
 * and the caller streams the body instead (today's two-request path). Whoever got a
 * {@link Reservation} closes it when the held bytes are gone, on every path; closing twice is harmless.
 *
 * <p>Counts what it answered, for the metrics: held, refused because the budget was full, refused
 * because the body was too large.
 */
public final class BodyBudget {

    /** A budget that holds nothing: every body streams. */
    public static final BodyBudget NONE = new BodyBudget(0, 0);

    private final long capacityBytes;
    private final long maxBodyBytes;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong budgetFull = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();

    public BodyBudget(long capacityBytes, long maxBodyBytes) {
        if (capacityBytes < 0 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("a body budget cannot be negative");
        }
        this.capacityBytes = capacityBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code bytes} of the budget, or empty (counted) when the body is too large or the budget is full. */
    public Optional<Reservation> tryReserve(long bytes) {
        if (bytes < 0 || bytes > maxBodyBytes || capacityBytes == 0) {
            tooLarge.incrementAndGet();
            return Optional.empty();
        }
        long before;
        do {
            before = reserved.get();
            if (before + bytes > capacityBytes) {
                budgetFull.incrementAndGet();
                return Optional.empty();
            }
        } while (!reserved.compareAndSet(before, before + bytes));
        held.incrementAndGet();
        return Optional.of(new Reservation(bytes));
    }

    /** Bytes reserved right now. */
    public long reservedBytes() {
        return reserved.get();
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bodies that were held whole. */
    public long heldCount() {
        return held.get();
    }

    /** Bodies that streamed because the budget was full at the time. */
    public long budgetFullCount() {
        return budgetFull.get();
    }

    /** Bodies that streamed because they were larger than the largest body held (or holding is off). */
    public long tooLargeCount() {
        return tooLarge.get();
    }

    /** Bytes of the budget held by one request; given back once by {@link #close()}. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                reserved.addAndGet(-bytes);
            }
        }
    }
}
