package dev.s3seal.auth.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Check values of every flexible checksum, so a wrong table or byte order cannot pass silently. */
class ChecksumsTest {

    private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldMatchCrc64NvmeCheckValue() {
        Crc64Nvme crc = new Crc64Nvme();
        crc.update(CHECK, 0, CHECK.length);
        assertThat(crc.getValue()).isEqualTo(0xae8b14860a799888L);
    }

    @Test
    void shouldMatchCheckValuesAsBigEndianDigests() {
        assertThat(hex(ChecksumAlgorithm.CRC32, CHECK)).isEqualTo("cbf43926");
        assertThat(hex(ChecksumAlgorithm.CRC32C, CHECK)).isEqualTo("e3069283");
        assertThat(hex(ChecksumAlgorithm.CRC64NVME, CHECK)).isEqualTo("ae8b14860a799888");
        assertThat(hex(ChecksumAlgorithm.SHA1, CHECK)).isEqualTo("f7c3bc1d808e04732adf679965ccc34ca7ae3441");
        assertThat(hex(ChecksumAlgorithm.SHA256, CHECK))
                .isEqualTo("15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
    }

    @Test
    void shouldGiveSameDigestWhenFedInPieces() {
        for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
            ChecksumAlgorithm.Running running = algorithm.start();
            for (byte b : CHECK) {
                running.update(ByteBuffer.wrap(new byte[] {b}));
            }
            assertThat(HexFormat.of().formatHex(running.digest())).isEqualTo(hex(algorithm, CHECK));
        }
    }

    @Test
    void shouldEncodeEmptyCrc32AsS3Does() {
        ChecksumAlgorithm.Running running = ChecksumAlgorithm.CRC32.start();
        assertThat(Base64.getEncoder().encodeToString(running.digest())).isEqualTo("AAAAAA==");
    }

    @Test
    void shouldMapHeaderNamesCaseInsensitively() {
        assertThat(ChecksumAlgorithm.fromHeaderName("X-Amz-Checksum-CRC64NVME")).contains(ChecksumAlgorithm.CRC64NVME);
        assertThat(ChecksumAlgorithm.fromHeaderName("x-amz-checksum-type")).isEmpty();
    }

    private static String hex(ChecksumAlgorithm algorithm, byte[] data) {
        ChecksumAlgorithm.Running running = algorithm.start();
        running.update(ByteBuffer.wrap(data));
        return HexFormat.of().formatHex(running.digest());
    }
}
