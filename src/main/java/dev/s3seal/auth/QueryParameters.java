package dev.s3seal.auth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A raw query string split into decoded name/value pairs, in arrival order. Parameters without
 * '=' have an empty value, as SigV4 canonicalizes them.
 */
public final class QueryParameters {

    /** One decoded query parameter. */
    public record Parameter(String name, String value) {}

    private final List<Parameter> parameters;

    private QueryParameters(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    public static QueryParameters parse(@Nullable String rawQuery) {
        List<Parameter> list = new ArrayList<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String part : rawQuery.split("&")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String name = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                list.add(new Parameter(UriEncoding.decode(name, true), UriEncoding.decode(value, true)));
            }
        }
        return new QueryParameters(List.copyOf(list));
    }

    public List<Parameter> all() {
        return parameters;
    }

    /** First value of a parameter (case-sensitive name, as S3 treats X-Amz-*), or null. */
    public @Nullable String first(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /** The SigV4 canonical query string: encoded pairs sorted by encoded name, then encoded value. */
    public String canonical(String excludedName) {
        List<String[]> encoded = new ArrayList<>();
        for (Parameter p : parameters) {
            if (!p.name().equals(excludedName)) {
                encoded.add(new String[] {UriEncoding.encode(p.name(), false), UriEncoding.encode(p.value(), false)});
            }
        }
        encoded.sort(Comparator.<String[], String>comparing(e -> e[0]).thenComparing(e -> e[1]));
        StringBuilder out = new StringBuilder();
        for (String[] e : encoded) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(e[0]).append('=').append(e[1]);
        }
        return out.toString();
    }
}
