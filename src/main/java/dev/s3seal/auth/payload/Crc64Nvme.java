package dev.s3seal.auth.payload;

import java.nio.ByteBuffer;
import java.util.zip.Checksum;

/**
 * CRC-64/NVME, the checksum S3 calls {@code CRC64NVME}: reflected polynomial 0x9a6c9329ac4bc9b5,
 * initial value and final xor all ones. The JDK has no CRC-64, so this is a byte-wise table CRC;
 * its check value for "123456789" is 0xae8b14860a799888.
 */
public final class Crc64Nvme implements Checksum {

    private static final long POLY_REFLECTED = 0x9a6c9329ac4bc9b5L;
    private static final long[] TABLE = table();

    private long crc = -1L;

    private static long[] table() {
        long[] table = new long[256];
        for (int n = 0; n < 256; n++) {
            long c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            table[n] = c;
        }
        return table;
    }

    @Override
    public void update(int b) {
        crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        long c = crc;
        for (int i = off; i < off + len; i++) {
            c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    @Override
    public void update(ByteBuffer buffer) {
        long c = crc;
        while (buffer.hasRemaining()) {
            c = TABLE[(int) ((c ^ buffer.get()) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    @Override
    public long getValue() {
        return ~crc;
    }

    @Override
    public void reset() {
        crc = -1L;
    }
}
