package dev.s3seal.ops.audit;

/**
 * A flat JSON object on one line, escaped per RFC 8259: quote, backslash and every control
 * character, plus U+2028/U+2029 (line separators to some log shippers). Lone surrogates are
 * replaced so that the line is always valid UTF-8.
 */
final class JsonLine {

    private final StringBuilder out = new StringBuilder(512).append('{');

    JsonLine field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonLine field(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    String end() {
        return out.append('}').toString();
    }

    /** Field names are s3seal's own constants (plain ASCII): appended without the escaping scan of values. */
    private void name(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        out.append('"').append(name).append("\":");
    }

    private void string(String value) {
        out.append('"');
        if (isPlain(value)) {
            out.append(value).append('"'); // names, ids, most keys: nothing to escape
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append("\\ufffd");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** True when no character of {@code value} needs escaping or replacing. */
    private static boolean isPlain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20
                    || c == '"'
                    || c == '\\'
                    || c == 0x7f
                    || c == '\u2028'
                    || c == '\u2029'
                    || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
