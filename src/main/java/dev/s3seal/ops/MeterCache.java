package dev.s3seal.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-request meters of one registry, each registered once and then found by its tag values. A
 * Micrometer builder's {@code register} builds the tags, the timer's buckets and the meter id and looks them
 * up on every call, several times per request; this lookup is one hash of a few strings. Tag values
 * come from closed sets (operations, modes, outcomes, status classes, the policy's rule names), so the
 * map stays as small as the registry's own.
 */
final class MeterCache {

    private record Key(S3SealMeters meter, List<String> tagValues) {}

    private final MeterRegistry registry;
    private final Map<Key, Meter> meters = new ConcurrentHashMap<>();

    MeterCache(MeterRegistry registry) {
        this.registry = registry;
    }

    Counter counter(S3SealMeters meter, String... tagValues) {
        return (Counter) meters.computeIfAbsent(key(meter, tagValues), key -> meter.counter(registry, tagValues));
    }

    Timer timer(S3SealMeters meter, String... tagValues) {
        return (Timer) meters.computeIfAbsent(key(meter, tagValues), key -> meter.timer(registry, tagValues));
    }

    /** Null tag values are "none", as {@link S3SealMeters} writes them. */
    private static Key key(S3SealMeters meter, String[] tagValues) {
        String[] values = Arrays.copyOf(tagValues, tagValues.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                values[i] = "none";
            }
        }
        return new Key(meter, List.of(values));
    }
}
