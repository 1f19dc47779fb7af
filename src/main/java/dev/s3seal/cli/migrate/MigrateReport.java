package dev.s3seal.cli.migrate;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running totals of a {@code migrate} run and its summary line. Verdicts arrive from several objects at once,
 * so the counters are thread-safe; the summary is read after the run.
 */
public final class MigrateReport {

    private final String bucket;
    private final String prefix;
    private final boolean dryRun;
    private final long started = System.nanoTime();
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong migrated = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, Long> skipped = new TreeMap<>();
    private final Map<String, Long> failed = new TreeMap<>();
    private volatile long finished;
    private volatile boolean stopped;

    MigrateReport(String bucket, String prefix, boolean dryRun) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.dryRun = dryRun;
    }

    void add(MigrateVerdict verdict) {
        objects.incrementAndGet();
        switch (verdict.outcome()) {
            case MIGRATED, WOULD_MIGRATE -> {
                migrated.incrementAndGet();
                bytes.addAndGet(verdict.storedBytes());
            }
            case SKIPPED -> count(skipped, verdict.reason());
            case FAILED -> count(failed, verdict.reason());
        }
    }

    private static void count(Map<String, Long> counts, String reason) {
        synchronized (counts) {
            counts.merge(reason, 1L, Long::sum);
        }
    }

    void finish(boolean stoppedEarly) {
        stopped = stoppedEarly;
        finished = System.nanoTime();
    }

    /** Objects decided so far (migrated, skipped or failed). */
    public long objects() {
        return objects.get();
    }

    /** A progress line while the run goes on. */
    public String progress() {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        return String.format(
                java.util.Locale.ROOT,
                "migrate: %d objects (%d %s, %d skipped, %d failed) in %.0f s, %.1f objects/s, %.1f MiB/s",
                objects.get(),
                migrated.get(),
                dryRun ? "to migrate" : "migrated",
                total(skipped),
                failed(),
                seconds,
                objects.get() / seconds,
                bytes.get() / seconds / (1024 * 1024));
    }

    public long failed() {
        synchronized (failed) {
            return failed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** One line per changed (or, in a dry run, changing) object. */
    public static String objectLine(String bucket, MigrateVerdict verdict) {
        String where = "s3://" + bucket + "/" + verdict.key();
        return switch (verdict.outcome()) {
            case MIGRATED -> "migrated " + where + " (" + verdict.detail() + ")";
            case WOULD_MIGRATE -> "would migrate " + where + " (" + verdict.detail() + ")";
            case FAILED -> "FAILED " + verdict.reason() + " " + where + ": " + verdict.detail();
            case SKIPPED -> "skipped " + verdict.reason() + " " + where + ": " + verdict.detail();
        };
    }

    public String summary() {
        double seconds = Math.max(1e-3, ((finished == 0 ? System.nanoTime() : finished) - started) / 1e9);
        long done = migrated.get();
        StringBuilder line = new StringBuilder(dryRun ? "dry run s3://" : "migrated s3://")
                .append(bucket)
                .append('/')
                .append(prefix)
                .append(": ")
                .append(objects.get())
                .append(" objects; ")
                .append(dryRun ? "would migrate " : "migrated ")
                .append(done)
                .append(" (")
                .append(bytes.get())
                .append(" bytes), skipped ")
                .append(total(skipped))
                .append(counts(skipped))
                .append(", failed ")
                .append(failed())
                .append(counts(failed))
                .append(String.format(
                        java.util.Locale.ROOT,
                        "; %.1f s, %.1f objects/s, %.1f MiB/s",
                        seconds,
                        objects.get() / seconds,
                        bytes.get() / seconds / (1024 * 1024)));
        if (stopped) {
            line.append("; STOPPED before the end: run the same command again to resume");
        }
        return line.toString();
    }

    private static long total(Map<String, Long> counts) {
        synchronized (counts) {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static String counts(Map<String, Long> counts) {
        synchronized (counts) {
            if (counts.isEmpty()) {
                return "";
            }
            StringBuilder out = new StringBuilder(" (");
            counts.forEach((reason, count) -> out.append(out.length() > 2 ? ", " : "")
                    .append(reason)
                    .append(' ')
                    .append(count));
            return out.append(')').toString();
        }
    }
}
