package dev.s3seal.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PercentCodingTest {

    private static final String[] PIECES = {
        "a",
        "Z",
        "0",
        "-",
        "~",
        "/",
        "+",
        " ",
        "%",
        "%2",
        "%2F",
        "%2f",
        "%41",
        "%7E",
        "%zz",
        "%C3",
        "%A9",
        "%C3%A9",
        "%E2%9C%93",
        "%FF",
        "%80",
        "%00",
        "é",
        "✓",
        "\uD83D\uDE00",
        "\uD83D",
        "\uDE00",
        "%F0%9F%98%80",
        "="
    };

    @Test
    void shouldDecodeStrictlyAsUtf8() {
        assertThat(PercentCoding.decode("a%2Fb+c", true)).isEqualTo("a/b c");
        assertThat(PercentCoding.decode("a%2Fb+c", false)).isEqualTo("a/b+c");
        assertThat(PercentCoding.decode("%C3%A9t%C3%A9", false)).isEqualTo("été");
        for (String malformed : new String[] {"%", "%2", "%zz", "%C3", "%FF", "a%C3%28"}) {
            assertThatThrownBy(() -> PercentCoding.decode(malformed, true))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_URI));
        }
    }

    /** Randomized: the same result or the same refusal as a plain strict decoder (the former implementation). */
    @Test
    void shouldAgreeWithAPlainStrictDecoder() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder raw = new StringBuilder();
            int pieces = random.nextInt(8);
            for (int i = 0; i < pieces; i++) {
                raw.append(PIECES[random.nextInt(PIECES.length)]);
            }
            boolean plusIsSpace = random.nextBoolean();
            String expected = reference(raw.toString(), plusIsSpace);
            if (expected == null) {
                assertThatThrownBy(() -> PercentCoding.decode(raw.toString(), plusIsSpace))
                        .as(raw.toString())
                        .isInstanceOf(S3Exception.class);
            } else {
                assertThat(PercentCoding.decode(raw.toString(), plusIsSpace))
                        .as(raw.toString())
                        .isEqualTo(expected);
            }
        }
    }

    /** null where the input is refused. */
    private static String reference(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                out.write((high << 4) | low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    bytes = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(bytes, 0, bytes.length);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
