package dev.s3seal.ops.audit;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * An audit line's time exactly as {@link Instant#toString()} writes it (ISO-8601, UTC, the fraction in
 * groups of three digits as needed), with the date and time of day formatted once per second: the
 * JDK's formatter was most of an audit line's cost, and one line is written per request.
 */
final class AuditTime {

    /** A second and its text without the zone, e.g. {@code 2026-12-03T21:00:05}. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second last = second(0);

    private AuditTime() {}

    static String format(Instant time) {
        Second second = last;
        if (second.epochSecond() != time.getEpochSecond()) {
            second = second(time.getEpochSecond());
            last = second;
        }
        int nano = time.getNano();
        if (nano == 0) {
            return second.text() + 'Z';
        }
        StringBuilder out = new StringBuilder(second.text().length() + 11)
                .append(second.text())
                .append('.');
        if (nano % 1_000_000 == 0) {
            digits(out, nano / 1_000_000, 3);
        } else if (nano % 1_000 == 0) {
            digits(out, nano / 1_000, 6);
        } else {
            digits(out, nano, 9);
        }
        return out.append('Z').toString();
    }

    private static Second second(long epochSecond) {
        String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
        return new Second(epochSecond, text.substring(0, text.length() - 1)); // without the 'Z'
    }

    /** {@code value} in exactly {@code width} decimal digits, zero-padded. */
    private static void digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int pad = width - text.length(); pad > 0; pad--) {
            out.append('0');
        }
        out.append(text);
    }
}
