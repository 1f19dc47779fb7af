package dev.s3seal.cli.verify;

import dev.s3seal.cli.verify.VerifyVerdict.Reason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tally of a {@code verify} run: counts by outcome and reason, the failures themselves (one per failed object,
 * so their number is bounded by the bucket, never by its bytes), and the rates. Written as lines for people or as
 * one JSON document for scripts.
 */
public final class VerifyReport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final double MIB = 1024.0 * 1024.0;

    private final String bucket;
    private final String prefix;
    private final long startNanos = System.nanoTime();
    private final Map<Reason, Long> failedByReason = new EnumMap<>(Reason.class);
    private final Map<String, Long> notCheckedByMode = new TreeMap<>();
    private final List<VerifyVerdict> failures = new ArrayList<>();
    private long objects;
    private long bytes;
    private long ok;
    private long elapsedNanos = -1;

    VerifyReport(String bucket, String prefix) {
        this.bucket = bucket;
        this.prefix = prefix;
    }

    synchronized void add(VerifyVerdict verdict) {
        objects++;
        bytes += verdict.storedBytes();
        switch (verdict.outcome()) {
            case OK -> ok++;
            case FAILED -> {
                failedByReason.merge(verdict.reason(), 1L, Long::sum);
                failures.add(verdict);
            }
            case NOT_CHECKED -> notCheckedByMode.merge(verdict.detail(), 1L, Long::sum);
        }
    }

    synchronized void finish() {
        elapsedNanos = System.nanoTime() - startNanos;
    }

    public synchronized long objects() {
        return objects;
    }

    public synchronized long failed() {
        return failures.size();
    }

    /** One line per failure: {@code FAILED <reason> s3://bucket/key: why}. */
    public static String failureLine(String bucket, VerifyVerdict failure) {
        return "FAILED " + failure.reason().label() + " s3://" + bucket + "/" + failure.key() + ": " + failure.detail();
    }

    /** The summary line: objects, bytes, ok, failed by reason, not checked by mode, rate. */
    public synchronized String summary() {
        StringBuilder line = new StringBuilder("verified s3://")
                .append(bucket)
                .append('/')
                .append(prefix)
                .append(": ")
                .append(objects)
                .append(" objects, ")
                .append(bytes)
                .append(" bytes read; ok ")
                .append(ok)
                .append(", failed ")
                .append(failures.size());
        if (!failedByReason.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            failedByReason.forEach((reason, count) -> reasons.add(reason.label() + " " + count));
            line.append(" (").append(String.join(", ", reasons)).append(')');
        }
        long notChecked =
                notCheckedByMode.values().stream().mapToLong(Long::longValue).sum();
        line.append(", not encrypted by s3seal's rules ").append(notChecked);
        if (notChecked > 0) {
            List<String> modes = new ArrayList<>();
            notCheckedByMode.forEach((mode, count) -> modes.add(mode + " " + count));
            line.append(" (").append(String.join(", ", modes)).append(')');
        }
        double seconds = seconds();
        line.append(String.format(
                Locale.ROOT,
                "; %.1f s, %.1f objects/s, %.1f MiB/s",
                seconds,
                objects / Math.max(seconds, 1e-9),
                bytes / MIB / Math.max(seconds, 1e-9)));
        return line.toString();
    }

    /** A progress line while the run goes on (not a terminal: one every few seconds). */
    public synchronized String progress() {
        double seconds = seconds();
        return String.format(
                Locale.ROOT,
                "verify: %d objects (%d failed), %.1f MiB in %.0f s, %.1f objects/s, %.1f MiB/s",
                objects,
                failures.size(),
                bytes / MIB,
                seconds,
                objects / Math.max(seconds, 1e-9),
                bytes / MIB / Math.max(seconds, 1e-9));
    }

    /** The whole report as one JSON document. */
    public synchronized String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bucket", bucket);
        root.put("prefix", prefix);
        root.put("objects", objects);
        root.put("bytes", bytes);
        root.put("ok", ok);
        root.put("failed", (long) failures.size());
        Map<String, Long> reasons = new LinkedHashMap<>();
        failedByReason.forEach((reason, count) -> reasons.put(reason.label(), count));
        root.put("failedByReason", reasons);
        root.put("notCheckedByMode", notCheckedByMode);
        double seconds = seconds();
        root.put("seconds", round(seconds));
        root.put("objectsPerSecond", round(objects / Math.max(seconds, 1e-9)));
        root.put("mebibytesPerSecond", round(bytes / MIB / Math.max(seconds, 1e-9)));
        List<Map<String, Object>> listed = new ArrayList<>();
        for (VerifyVerdict failure : failures) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", failure.key());
            entry.put("reason", failure.reason().label());
            entry.put("detail", failure.detail());
            listed.add(entry);
        }
        root.put("failures", listed);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private double seconds() {
        long nanos = elapsedNanos >= 0 ? elapsedNanos : System.nanoTime() - startNanos;
        return nanos / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }
}
