package dev.s3seal.ops;

import dev.s3seal.limits.Limit;
import dev.s3seal.limits.LimitListener;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts requests stopped by a limit, by limit and client ({@link S3SealMeters#LIMITED}). */
public final class LimitMeters implements LimitListener {

    private final MeterRegistry registry;

    public LimitMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void limited(Limit limit, String client) {
        S3SealMeters.LIMITED.counter(registry, limit.tagValue(), client).increment();
    }
}
