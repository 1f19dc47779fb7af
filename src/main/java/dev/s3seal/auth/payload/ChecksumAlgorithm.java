package dev.s3seal.auth.payload;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.jspecify.annotations.Nullable;

/**
 * The flexible checksums S3 accepts in {@code x-amz-checksum-*} headers and trailers. Every value
 * on the wire is the base64 of the big-endian digest.
 */
public enum ChecksumAlgorithm {
    CRC32(4, CRC32::new),
    CRC32C(4, CRC32C::new),
    CRC64NVME(8, Crc64Nvme::new),
    SHA1(20, null),
    SHA256(32, null);

    private final int length;
    /** Null for the message digests (SHA-1, SHA-256). */
    private final @Nullable Supplier<Checksum> crc;

    ChecksumAlgorithm(int length, @Nullable Supplier<Checksum> crc) {
        this.length = length;
        this.crc = crc;
    }

    /** Digest length in bytes, used to reject malformed declared values early. */
    public int length() {
        return length;
    }

    /** {@code x-amz-checksum-crc32} etc. */
    public String headerName() {
        return "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ChecksumAlgorithm> fromHeaderName(String name) {
        for (ChecksumAlgorithm a : values()) {
            if (a.headerName().equalsIgnoreCase(name.strip())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Names as in {@code x-amz-sdk-checksum-algorithm} (CRC32, crc32c, ...). */
    public static Optional<ChecksumAlgorithm> fromName(String name) {
        for (ChecksumAlgorithm a : values()) {
            if (a.name().equalsIgnoreCase(name.strip())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** A fresh running computation. */
    public Running start() {
        if (crc != null) {
            Checksum checksum = crc.get();
            return new Running() {
                @Override
                public void update(ByteBuffer data) {
                    checksum.update(data.duplicate());
                }

                @Override
                public byte[] digest() {
                    return tail(
                            ByteBuffer.allocate(8).putLong(checksum.getValue()).array());
                }
            };
        }
        MessageDigest md = messageDigest(this == SHA1 ? "SHA-1" : "SHA-256");
        return new Running() {
            @Override
            public void update(ByteBuffer data) {
                md.update(data.duplicate());
            }

            @Override
            public byte[] digest() {
                return md.digest();
            }
        };
    }

    private byte[] tail(byte[] eightBytes) {
        return java.util.Arrays.copyOfRange(eightBytes, 8 - length, 8);
    }

    static MessageDigest messageDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " unavailable", e);
        }
    }

    /** An incremental checksum over the decoded body. */
    public interface Running {
        /** Consumes the remaining bytes of {@code data} without moving its position. */
        void update(ByteBuffer data);

        /** The big-endian digest; call once. */
        byte[] digest();
    }
}
