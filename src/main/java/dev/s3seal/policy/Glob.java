package dev.s3seal.policy;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A glob over bucket names or object keys: {@code *} matches any run of characters ({@code /}
 * included), {@code ?} one character, everything else itself. Compiled to a regex once.
 */
public final class Glob {

    private static final String RESERVED = "[]{}\\!";

    private final String glob;
    private final Pattern pattern;

    private Glob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException with a one-line problem when the glob is empty or uses other syntax */
    public static Glob compile(@Nullable String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("empty glob");
        }
        StringBuilder regex = new StringBuilder(glob.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (RESERVED.indexOf(c) >= 0) {
                throw new IllegalArgumentException("glob '" + glob + "' uses '" + c + "'; only * and ? are supported");
            }
            if (c == '*' || c == '?') {
                flush(regex, literal);
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        flush(regex, literal);
        return new Glob(glob, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    private static void flush(StringBuilder regex, StringBuilder literal) {
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }

    public boolean matches(String value) {
        return pattern.matcher(value).matches();
    }

    /**
     * True when every string that starts with {@code prefix} matches: the glob ends with {@code *}
     * and matches the prefix itself (the trailing star absorbs any continuation).
     */
    public boolean coversPrefix(String prefix) {
        return glob.endsWith("*") && matches(prefix);
    }

    @Override
    public String toString() {
        return glob;
    }
}
