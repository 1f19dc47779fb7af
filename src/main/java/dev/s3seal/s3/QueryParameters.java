package dev.s3seal.s3;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A query string decoded into ordered name/value pairs. S3 uses value-less flags
 * ({@code ?uploads}, {@code ?acl}), so a value may be null.
 */
public final class QueryParameters {

    /** One decoded parameter; {@code value} is null for a flag such as {@code ?uploads}. */
    public record Parameter(String name, @Nullable String value) {}

    private static final QueryParameters EMPTY = new QueryParameters(List.of());

    private final List<Parameter> parameters;

    private QueryParameters(List<Parameter> parameters) {
        this.parameters = Collections.unmodifiableList(parameters);
    }

    public static QueryParameters empty() {
        return EMPTY;
    }

    /** The given parameters, in this order. */
    public static QueryParameters of(List<Parameter> parameters) {
        return parameters.isEmpty() ? EMPTY : new QueryParameters(List.copyOf(parameters));
    }

    /**
     * Decodes a raw query string; '+' is a space, as S3 reads it. Empty pairs ({@code a&&b}) are
     * skipped. This is the one parse of a client's query: the signature is verified over it and the
     * upstream query is built from it ({@code SignedRequest}, {@code OperationTable.recognise}).
     */
    public static QueryParameters parse(@Nullable String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        List<Parameter> parsed = new ArrayList<>(8);
        int start = 0;
        while (start <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? rawQuery.length() : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                if (eq >= end) {
                    eq = -1;
                }
                String name = rawQuery.substring(start, eq < 0 ? end : eq);
                String value = eq < 0 ? null : PercentCoding.decode(rawQuery.substring(eq + 1, end), true);
                parsed.add(new Parameter(PercentCoding.decode(name, true), value));
            }
            start = end + 1;
        }
        return parsed.isEmpty() ? EMPTY : new QueryParameters(parsed);
    }

    public List<Parameter> all() {
        return parameters;
    }

    public boolean has(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** First value of a parameter, or null when absent or a flag. */
    public @Nullable String first(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    /** The parameters without the ones the predicate matches (for example presign parameters). */
    public QueryParameters without(Predicate<String> nameMatches) {
        List<Parameter> kept =
                parameters.stream().filter(p -> !nameMatches.test(p.name())).toList();
        return kept.size() == parameters.size() ? this : new QueryParameters(kept);
    }

    /** The parameters with every value of {@code name} replaced by {@code value} (added when absent). */
    public QueryParameters with(String name, @Nullable String value) {
        List<Parameter> out = new ArrayList<>();
        boolean replaced = false;
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                if (!replaced) {
                    out.add(new Parameter(name, value));
                    replaced = true;
                }
            } else {
                out.add(p);
            }
        }
        if (!replaced) {
            out.add(new Parameter(name, value));
        }
        return new QueryParameters(out);
    }
}
