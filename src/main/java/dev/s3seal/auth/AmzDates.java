package dev.s3seal.auth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses and formats the two request-date forms SigV4 accepts. */
public final class AmzDates {

    /** ISO 8601 basic form used by x-amz-date, X-Amz-Date and the string to sign. */
    static final DateTimeFormatter BASIC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private AmzDates() {}

    /** Parses {@code yyyyMMdd'T'HHmmss'Z'}; null when malformed. */
    public static Instant parseBasic(String value) {
        if (value == null || value.length() != 16) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value, BASIC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Parses the HTTP {@code Date} header (RFC 1123); null when malformed. */
    static Instant parseHttpDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String formatBasic(Instant instant) {
        return BASIC.format(instant);
    }
}
