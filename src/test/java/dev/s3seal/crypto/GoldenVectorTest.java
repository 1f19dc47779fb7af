package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Committed vectors under src/test/resources/golden. If this test fails, the bytes of format v1
 * changed: that is a new format version, not a test to update. (Regenerate only for a new vector:
 * run with -Ds3seal.golden.write=src/test/resources/golden.) The same files are checked by the
 * independent Python implementation golden/verify_golden.py.
 */
class GoldenVectorTest {

    private static final HexFormat HEX = HexFormat.of();
    static final byte[] KEY = range(0x00, 32);
    static final byte[] SALT = range(0xA0, 32);
    static final byte[] PREFIX = range(0xC0, 7);

    private static byte[] range(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** name -> (segment size, part number, plaintext length) */
    private static int[] spec(String name) {
        return switch (name) {
            case "v1-empty" -> new int[] {64, 0, 0};
            case "v1-one-byte" -> new int[] {64, 0, 1};
            case "v1-one-segment" -> new int[] {64, 0, 64};
            case "v1-four-segments" -> new int[] {64, 0, 200};
            case "v1-part-2" -> new int[] {64, 2, 128};
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static byte[] encrypt(int segmentSize, int partNumber, byte[] plaintext) {
        SegmentEncryptor enc = new SegmentEncryptor(KEY, segmentSize, partNumber, plaintext.length, SALT, PREFIX);
        byte[] out = new byte[(int) CiphertextSizes.ciphertextLength(plaintext.length, segmentSize)];
        byte[] header = enc.header();
        System.arraycopy(header, 0, out, 0, header.length);
        int in = 0;
        int pos = header.length;
        while (!enc.isFinished()) {
            int n = enc.nextSegmentPlaintextLength();
            pos += enc.encryptSegment(plaintext, in, n, out, pos);
            in += n;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1-empty", "v1-one-byte", "v1-one-segment", "v1-four-segments", "v1-part-2"})
    void shouldProduceAndReadTheCommittedBytesWhenInputsAreFixed(String name) throws IOException {
        int[] spec = spec(name);
        byte[] plaintext = range(0, spec[2]);
        byte[] ciphertext = encrypt(spec[0], spec[1], plaintext);
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("data_key", HEX.formatHex(KEY));
        actual.put("salt", HEX.formatHex(SALT));
        actual.put("nonce_prefix", HEX.formatHex(PREFIX));
        actual.put("segment_size", Integer.toString(spec[0]));
        actual.put("part_number", Integer.toString(spec[1]));
        actual.put("plaintext", HEX.formatHex(plaintext));
        actual.put("ciphertext", HEX.formatHex(ciphertext));
        String writeTo = System.getProperty("s3seal.golden.write");
        if (writeTo != null) {
            StringBuilder sb = new StringBuilder();
            actual.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            Files.writeString(Path.of(writeTo, name + ".hex"), sb.toString());
        }
        Map<String, String> golden = load(name);
        assertThat(actual)
                .as("format v1 bytes changed for %s: this must be a new format version", name)
                .isEqualTo(golden);
        // and the committed ciphertext decrypts back
        byte[] committed = HEX.parseHex(golden.get("ciphertext"));
        FormatHeader h = FormatHeader.parse(committed, 0);
        try (SegmentDecryptor dec = SegmentDecryptor.open(KEY, h)) {
            byte[] out = new byte[plaintext.length];
            int pos = ObjectFormat.HEADER_LENGTH;
            int o = 0;
            for (long i = 0; i < dec.segmentCount(); i++) {
                int n = dec.ciphertextSegmentLength(i);
                o += dec.decryptSegment(i, committed, pos, n, out, o);
                pos += n;
            }
            assertThat(pos).isEqualTo(committed.length);
            assertThat(out).isEqualTo(plaintext);
        }
    }

    private static Map<String, String> load(String name) throws IOException {
        try (InputStream in = GoldenVectorTest.class.getResourceAsStream("/golden/" + name + ".hex")) {
            assertThat(in).as("golden vector %s is missing", name).isNotNull();
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    m.put(line.substring(0, eq), line.substring(eq + 1).trim());
                }
            }
            return m;
        }
    }
}
