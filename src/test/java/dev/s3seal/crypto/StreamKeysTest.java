package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/**
 * HKDF-SHA256 of format v1 on the JDK's HmacSHA256: the RFC 5869 test vectors, and byte for byte the
 * output of the BouncyCastle generator it replaced, so every key of every object written before derives
 * the same (GoldenVectorTest checks whole objects).
 */
class StreamKeysTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldMatchRfc5869TestCase1() {
        byte[] okm = StreamKeys.hkdf(
                HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"),
                42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void shouldMatchRfc5869TestCase2WithLongInputsAndSeveralBlocks() {
        byte[] okm = StreamKeys.hkdf(sequence(0x00, 80), sequence(0x60, 80), sequence(0xb0, 80), 82);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                        + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                        + "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    }

    @Test
    void shouldMatchRfc5869TestCase3WithoutSaltOrInfo() {
        String expected = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        assertThat(HEX.formatHex(StreamKeys.hkdf(ikm, new byte[0], new byte[0], 42)))
                .isEqualTo(expected);
        assertThat(HEX.formatHex(StreamKeys.hkdf(ikm, null, new byte[0], 42))).isEqualTo(expected);
    }

    @Test
    void shouldDeriveWhatTheBouncyCastleGeneratorDerived() {
        Random random = new Random(5869);
        for (int i = 0; i < 500; i++) {
            byte[] ikm = bytes(random, 1 + random.nextInt(64));
            byte[] salt = switch (i % 3) {
                case 0 -> null;
                case 1 -> bytes(random, 32);
                default -> bytes(random, 1 + random.nextInt(100));
            };
            byte[] info = StreamKeys.info(StreamKeys.CONTENT_KEY_LABEL, bytes(random, random.nextInt(40)));
            int length = i % 2 == 0 ? 32 : 1 + random.nextInt(100);

            assertThat(StreamKeys.hkdf(ikm, salt, info, length))
                    .as("derivation %d", i)
                    .isEqualTo(bouncyCastleHkdf(ikm, salt, info, length));
        }
    }

    @Test
    void shouldDeriveTheSameKeysAgainOnOneThread() {
        byte[] dataKey = sequence(1, 32);
        byte[] salt = sequence(2, 32);
        byte[] fixed = sequence(3, 12);
        byte[] first = StreamKeys.contentKey(dataKey, salt, fixed);
        byte[] commitment = StreamKeys.commitment(dataKey, salt, fixed);

        assertThat(StreamKeys.contentKey(dataKey, salt, fixed)).isEqualTo(first);
        assertThat(commitment).isNotEqualTo(first);
        assertThat(StreamKeys.purposeKey(dataKey, StreamKeys.MD5_KEY_LABEL))
                .isEqualTo(bouncyCastleHkdf(dataKey, null, StreamKeys.info(StreamKeys.MD5_KEY_LABEL, new byte[0]), 32));
    }

    /** The derivation format v1 used before, kept here as the reference. */
    private static byte[] bouncyCastleHkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    private static byte[] sequence(int first, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    private static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
