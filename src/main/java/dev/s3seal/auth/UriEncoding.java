package dev.s3seal.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SigV4's URI encoding: every byte except the RFC 3986 unreserved characters is written as
 * {@code %XX} in upper case. Incoming values are first decoded so that a client which escaped a
 * little more or a little less than the SDKs still canonicalizes to the same string S3 computes.
 */
public final class UriEncoding {

    private UriEncoding() {}

    /** Encodes UTF-8 text; {@code keepSlash} is true for paths, where '/' stays literal. */
    public static String encode(String text, boolean keepSlash) {
        if (needsNoEscape(text, keepSlash)) {
            return text; // the common case (names, dates, hex signatures): nothing to build
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c) || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Percent-decodes; {@code plusIsSpace} for query strings (form semantics S3 applies there).
     * A '%' not followed by two hex digits is kept literally rather than rejected.
     */
    public static String decode(String text, boolean plusIsSpace) {
        if (text.indexOf('%') < 0 && !(plusIsSpace && text.indexOf('+') >= 0)) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && hexAt(text, i + 1) >= 0 && hexAt(text, i + 2) >= 0) {
                out.write(hexAt(text, i + 1) * 16 + hexAt(text, i + 2));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c); // ASCII is its own UTF-8
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    bytes = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean needsNoEscape(String text, boolean keepSlash) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isUnreserved(c) && !(keepSlash && c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static int hexAt(String text, int index) {
        return index < text.length() ? Character.digit(text.charAt(index), 16) : -1;
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.'
                || c == '~';
    }
}
