package dev.s3seal.cli.rewrap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tally of a {@code rewrap} run: counts by outcome and reason, and the rate. Failures are printed as they come
 * ({@link #line}), so only counts are kept: memory does not grow with the bucket.
 */
public final class RewrapReport {

    private final String bucket;
    private final String prefix;
    private final boolean dryRun;
    private final long startNanos = System.nanoTime();
    private final Map<String, Long> skipped = new TreeMap<>();
    private final Map<String, Long> failed = new TreeMap<>();
    private final Map<String, Long> notChecked = new TreeMap<>();
    private long objects;
    private long rewrapped;
    private long current;
    private long elapsedNanos = -1;
    private boolean stopped;

    RewrapReport(String bucket, String prefix, boolean dryRun) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.dryRun = dryRun;
    }

    synchronized void add(RewrapVerdict verdict) {
        objects++;
        switch (verdict.outcome()) {
            case REWRAPPED, WOULD_REWRAP -> rewrapped++;
            case CURRENT -> current++;
            case SKIPPED -> skipped.merge(verdict.reason(), 1L, Long::sum);
            case NOT_CHECKED -> notChecked.merge(verdict.reason(), 1L, Long::sum);
            case FAILED -> failed.merge(verdict.reason(), 1L, Long::sum);
        }
    }

    synchronized void finish(boolean stoppedEarly) {
        elapsedNanos = System.nanoTime() - startNanos;
        stopped = stoppedEarly;
    }

    public synchronized long objects() {
        return objects;
    }

    public synchronized long failed() {
        return failed.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized long rewrapped() {
        return rewrapped;
    }

    /**
     * The line printed for an object, or null for one that needs none: {@code FAILED}, {@code SKIPPED}, and in a dry
     * run {@code WOULD REWRAP} (the list of what would change).
     */
    public static String line(String bucket, RewrapVerdict verdict) {
        String object = " s3://" + bucket + "/" + verdict.key() + ": ";
        return switch (verdict.outcome()) {
            case FAILED -> "FAILED " + verdict.reason() + object + verdict.detail();
            case SKIPPED -> "SKIPPED " + verdict.reason() + object + verdict.detail();
            case WOULD_REWRAP -> "WOULD REWRAP" + object + verdict.detail();
            default -> null;
        };
    }

    /** The summary line. */
    public synchronized String summary() {
        StringBuilder line = new StringBuilder(dryRun ? "rewrap dry run s3://" : "rewrapped s3://")
                .append(bucket)
                .append('/')
                .append(prefix)
                .append(": ")
                .append(objects)
                .append(" objects; ")
                .append(dryRun ? "would rewrap " : "rewrapped ")
                .append(rewrapped)
                .append(", already current ")
                .append(current);
        append(line, "skipped", skipped);
        append(line, "failed", failed);
        append(line, "not encrypted by s3seal's rules", notChecked);
        double seconds = seconds();
        line.append(String.format(Locale.ROOT, "; %.1f s, %.1f objects/s", seconds, objects / Math.max(seconds, 1e-9)));
        if (stopped) {
            line.append("; STOPPED before the end: run the same command again to resume");
        }
        return line.toString();
    }

    /** A progress line while the run goes on. */
    public synchronized String progress() {
        double seconds = seconds();
        return String.format(
                Locale.ROOT,
                "rewrap: %d objects (%d %s, %d current, %d failed) in %.0f s, %.1f objects/s",
                objects,
                rewrapped,
                dryRun ? "to rewrap" : "rewrapped",
                current,
                failed(),
                seconds,
                objects / Math.max(seconds, 1e-9));
    }

    private static void append(StringBuilder line, String label, Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        line.append(", ").append(label).append(' ').append(total);
        if (total > 0) {
            List<String> parts = new ArrayList<>();
            counts.forEach((reason, count) -> parts.add(reason + " " + count));
            line.append(" (").append(String.join(", ", parts)).append(')');
        }
    }

    private double seconds() {
        long nanos = elapsedNanos >= 0 ? elapsedNanos : System.nanoTime() - startNanos;
        return nanos / 1e9;
    }
}
