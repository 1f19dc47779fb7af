package dev.s3seal.s3;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A single {@code Range: bytes=...} request, as S3 reads it: {@code a-b}, {@code a-} or
 * {@code -n}. Anything else (several ranges, other units, garbage, {@code b < a}) is ignored by
 * S3, which then serves the whole object; {@link #parse} returns null for those.
 *
 * @param first null for a suffix range
 * @param last  null for an open range; the suffix length for a suffix range
 */
public record ByteRangeHeader(
        @Nullable Long first, @Nullable Long last) {

    private static final Pattern SINGLE = Pattern.compile("\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

    public static @Nullable ByteRangeHeader parse(@Nullable String header) {
        if (header == null) {
            return null;
        }
        Matcher m = SINGLE.matcher(header);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            Long first = m.group(1).isEmpty() ? null : Long.parseLong(m.group(1));
            Long last = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
            if (first != null && last != null && last < first) {
                return null;
            }
            return new ByteRangeHeader(first, last);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }
}
