package dev.s3seal.ops;

import java.util.function.LongSupplier;

/**
 * A token bucket for log lines: at most {@code linesPerSecond} lines pass in a burst, refilled at
 * that rate. Whoever can make s3seal log (any client that can open a socket) must not be able to
 * fill the disk with it, so lines caused by clients pass through one of these. The number of
 * lines held back is handed to the next line that passes, so a reader still sees how many there
 * were. Pure: time comes from the given nano clock.
 */
public final class LogRateLimiter {

    /** What {@link #admit()} decided: whether this line is written, and how many were held back before it. */
    public record Admission(boolean admitted, long suppressedBefore) {}

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long capacity;
    private final long nanosPerToken;
    private final LongSupplier nanoClock;
    private long tokens;
    private long lastRefill;
    private long suppressed;

    public LogRateLimiter(int linesPerSecond, LongSupplier nanoClock) {
        if (linesPerSecond < 1) {
            throw new IllegalArgumentException("linesPerSecond must be at least 1");
        }
        this.capacity = linesPerSecond;
        this.nanosPerToken = NANOS_PER_SECOND / linesPerSecond;
        this.nanoClock = nanoClock;
        this.tokens = linesPerSecond;
        this.lastRefill = nanoClock.getAsLong();
    }

    public synchronized Admission admit() {
        refill();
        if (tokens == 0) {
            suppressed++;
            return new Admission(false, 0);
        }
        tokens--;
        long before = suppressed;
        suppressed = 0;
        return new Admission(true, before);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long earned = (now - lastRefill) / nanosPerToken;
        if (earned > 0) {
            tokens = Math.min(capacity, tokens + earned);
            lastRefill = tokens == capacity ? now : lastRefill + earned * nanosPerToken;
        }
    }
}
