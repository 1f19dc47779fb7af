package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.AuthenticationFailedException.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FormatHeaderTest {

    private static final byte[] KEY = new byte[32];

    private static byte[] header(int partNumber) {
        return new SegmentEncryptor(KEY, 64, partNumber, 1000, new byte[32], new byte[7]).header();
    }

    private static Reason reasonOf(byte[] bytes) {
        try {
            FormatHeader.parse(bytes, 0);
        } catch (AuthenticationFailedException e) {
            return e.reason();
        }
        throw new AssertionError("header was accepted");
    }

    @Test
    void shouldRoundTripWhenValid() {
        byte[] bytes = header(3);
        FormatHeader h = FormatHeader.parse(bytes, 0);
        assertThat(h.partNumber()).isEqualTo(3);
        assertThat(h.segmentSize()).isEqualTo(64);
        assertThat(h.plaintextLength()).isEqualTo(1000);
        assertThat(h.toBytes()).isEqualTo(bytes);
        assertThat(bytes).hasSize(ObjectFormat.HEADER_LENGTH);
        assertThat(Arrays.copyOf(bytes, 6)).containsExactly(0x53, 0x33, 0x53, 0x4C, 1, 1);
    }

    @Test
    void shouldRefuseEveryOtherVersionWhenParsing() {
        for (int v = 0; v < 256; v++) {
            if (v != 1) {
                byte[] b = header(0);
                b[4] = (byte) v;
                assertThat(reasonOf(b)).isEqualTo(Reason.UNSUPPORTED_VERSION);
            }
        }
    }

    @Test
    void shouldRefuseMalformedFieldsWhenParsing() {
        byte[] badMagic = header(0);
        badMagic[0] = 'X';
        byte[] reserved = header(0);
        reserved[5] = 2;
        byte[] partFlagWithoutNumber = header(0);
        partFlagWithoutNumber[5] = 1;
        byte[] numberWithoutFlag = header(2);
        numberWithoutFlag[5] = 0;
        byte[] tinySegment = header(0);
        tinySegment[9] = 15;
        tinySegment[8] = 0;
        byte[] hugeSegment = header(0);
        hugeSegment[6] = 0x7F;
        byte[] partTooHigh = header(1);
        partTooHigh[10] = (byte) 0xFF;
        byte[] tooLong = header(0);
        tooLong[12] = 0x01;
        for (byte[] b : new byte[][] {
            badMagic,
            reserved,
            partFlagWithoutNumber,
            numberWithoutFlag,
            tinySegment,
            hugeSegment,
            partTooHigh,
            tooLong,
            Arrays.copyOf(header(0), 90)
        }) {
            assertThat(reasonOf(b)).isEqualTo(Reason.MALFORMED_HEADER);
        }
    }

    @Test
    void shouldRefuseSegmentCountsBeyondTheNonceIndex() {
        assertThatThrownBy(() -> new FormatHeader(1, 16, 0, (1L << 36) + 1, new byte[32], new byte[7], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCheckKeyCommitmentBeforeDecryptingWhenKeyIsWrong() {
        FormatHeader h = FormatHeader.parse(header(0), 0);
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> SegmentDecryptor.open(other, h))
                .isInstanceOfSatisfying(
                        AuthenticationFailedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.KEY_COMMITMENT_MISMATCH));
        SegmentDecryptor.open(KEY, h).close();
    }

    @Test
    void shouldRefuseSegmentsAtTheWrongIndexOrFinalFlag() {
        byte[] plain = new byte[128];
        SegmentEncryptor enc = new SegmentEncryptor(KEY, 64, 0, 128, new byte[32], new byte[7]);
        byte[] s0 = new byte[80];
        byte[] s1 = new byte[80];
        enc.encryptSegment(plain, 0, 64, s0, 0);
        enc.encryptSegment(plain, 64, 64, s1, 0);
        assertThat(enc.isFinished()).isTrue();
        SegmentDecryptor dec = SegmentDecryptor.open(KEY, enc.formatHeader());
        byte[] out = new byte[80];
        assertThat(dec.decryptSegment(0, s0, 0, 80, out, 0)).isEqualTo(64);
        assertThat(dec.decryptSegment(1, s1, 0, 80, out, 0)).isEqualTo(64);
        assertThatThrownBy(() -> dec.decryptSegment(1, s0, 0, 80, out, 0))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> dec.decryptSegment(0, s1, 0, 80, out, 0))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> dec.decryptSegment(2, s1, 0, 80, out, 0))
                .isInstanceOf(AuthenticationFailedException.class);
        dec.close();
    }
}
