package dev.s3seal.crypto.s3ec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The only JSON the client stores ({@code x-amz-t}, {@code x-amz-m}, {@code x-amz-matdesc}): one object whose
 * values are all strings. Parsing is strict (duplicates, nesting, non-string values and trailing bytes are
 * errors); writing escapes everything outside printable ASCII so the value survives as an HTTP header.
 */
final class FlatJson {

    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    static Map<String, String> parse(String field, String json) {
        if (json.startsWith("=?")) {
            throw new S3ecException(
                    S3ecException.Reason.MALFORMED_METADATA,
                    field + " is RFC 2047 encoded (non-ASCII context): not supported");
        }
        FlatJson p = new FlatJson(json);
        try {
            Map<String, String> map = p.object();
            p.skipWhitespace();
            if (p.pos != json.length()) {
                throw p.error("trailing characters");
            }
            return Collections.unmodifiableMap(map);
        } catch (IndexOutOfBoundsException e) {
            throw new S3ecException(S3ecException.Reason.MALFORMED_METADATA, field + " is truncated JSON");
        } catch (IllegalArgumentException e) {
            throw new S3ecException(
                    S3ecException.Reason.MALFORMED_METADATA,
                    field + " is not a flat JSON string map: " + e.getMessage());
        }
    }

    /** Keys sorted, so the same map always gives the same bytes. */
    static String write(Map<String, String> map) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, e.getKey());
            sb.append(':');
            quote(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    private Map<String, String> object() {
        skipWhitespace();
        expect('{');
        Map<String, String> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (peek() != '"') {
                throw error("value of '" + key + "' is not a string");
            }
            String value = string();
            if (map.put(key, value) != null) {
                throw error("duplicate key '" + key + "'");
            }
            skipWhitespace();
            char c = text.charAt(pos++);
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    String hex = text.substring(pos, pos + 4);
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        throw error("bad \\u escape");
                    }
                    sb.append((char) Integer.parseInt(hex, 16));
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private char peek() {
        return text.charAt(pos);
    }

    private void expect(char c) {
        if (text.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }
}
