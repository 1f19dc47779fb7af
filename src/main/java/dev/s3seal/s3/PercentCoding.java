package dev.s3seal.s3;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strict percent-decoding of request paths and query strings (malformed input is InvalidURI), and
 * the one encoding s3seal writes names in.
 */
public final class PercentCoding {

    private PercentCoding() {}

    /**
     * Percent-encodes the UTF-8 bytes of {@code text}, all but RFC 3986's unreserved characters
     * (and '/' when {@code keepSlash}): one spelling per name, which no decoder reads two ways.
     */
    public static String encode(String text, boolean keepSlash) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~'
                    || (keepSlash && c == '/')) {
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
     * Decodes {@code %XX} escapes as UTF-8; with {@code plusIsSpace} a '+' becomes a space (query
     * strings), otherwise it is kept (paths).
     */
    public static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        // one byte per char for ASCII and escapes (3 chars, 1 byte); grown only for other characters
        byte[] out = new byte[raw.length()];
        int length = 0;
        boolean ascii = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            byte[] bytes = null;
            int single;
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new S3Exception(S3ErrorCode.INVALID_URI);
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new S3Exception(S3ErrorCode.INVALID_URI);
                }
                single = (high << 4) | low;
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                single = ' ';
            } else if (c < 0x80) {
                single = c; // ASCII is its own UTF-8
            } else {
                single = -1;
                bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    bytes = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
            }
            int needed = bytes == null ? 1 : bytes.length;
            if (length + needed > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, length + needed));
            }
            if (bytes == null) {
                out[length++] = (byte) single;
                ascii &= single < 0x80;
            } else {
                System.arraycopy(bytes, 0, out, length, bytes.length);
                length += bytes.length;
                ascii = false;
            }
        }
        if (ascii) {
            return new String(out, 0, length, StandardCharsets.US_ASCII); // ASCII is valid UTF-8: nothing to check
        }
        try {
            // Strict: invalid UTF-8 is InvalidURI, never silently U+FFFD (two spellings, one key).
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out, 0, length))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new S3Exception(S3ErrorCode.INVALID_URI);
        }
    }
}
