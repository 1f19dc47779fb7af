package dev.s3seal.web.multipart;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RecordedContext;
import dev.s3seal.crypto.SealedChecksum;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The upload id s3seal hands the client for a multipart upload under a client-side mode:
 * {@code <upstream upload id>.<base64url(payload)>}, where the payload carries what any replica
 * needs to encrypt a part: the wrapped data key (provider kind, key id, key version, blob), the
 * extra encryption context it was wrapped under (as the envelope records it, so parts and the
 * completion unwrap under the creation's context even if the policy changed meanwhile) and the
 * segment size. Nothing is stored anywhere else.
 *
 * <p>Authenticity: the wrapped key is authenticated by its provider and bound to bucket and key
 * (KMS encryption context / AES-GCM associated data), so a tampered or transplanted id fails to
 * unwrap; the same holds for the recorded context, which is part of that binding. The segment size is not authenticated separately: changing it only lets a client
 * corrupt its own upload, which then fails its completion or its reads, never another object.
 *
 * <p>Payload: {@code 0x02 || BE32(S) || str(kind) || str(keyId) || str(keyVersion or "") ||
 * bytes(blob) || bytes(context)}, {@code str} = BE16 length + UTF-8, {@code bytes} = BE16 length +
 * bytes, {@code context} = {@link RecordedContext} encoding, empty when not recorded. Ids of version
 * {@code 0x01} (no context field) from earlier releases are still accepted, context not recorded.
 * An upload created with a checksum algorithm has payload version {@code 0x03}: the same fields, then
 * {@code alg(1) || type(1)} ({@link ChecksumAlgorithm} and {@link SealedChecksum.Type} ordinals), not
 * authenticated on their own either: changing them only changes the checksum of the client's own object.
 *
 * @param context the recorded extra context (see {@code EnvelopeMetadata#context}), null when not recorded
 * @param checksum the checksum the upload was created with, null when none
 */
public record MultipartUploadId(
        String upstreamId,
        WrappedKey wrappedKey,
        int segmentSize,
        Map<String, String> context,
        UploadChecksum checksum) {

    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    private static final byte VERSION_WITH_CHECKSUM = 3;

    public MultipartUploadId(String upstreamId, WrappedKey wrappedKey, int segmentSize, Map<String, String> context) {
        this(upstreamId, wrappedKey, segmentSize, context, null);
    }

    private static final int MAX_ENCODED = 4096;

    String encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(checksum == null ? VERSION : VERSION_WITH_CHECKSUM);
        out.writeBytes(ByteBuffer.allocate(4).putInt(segmentSize).array());
        writeString(out, wrappedKey.provider());
        writeString(out, wrappedKey.keyId());
        writeString(out, wrappedKey.keyVersion() == null ? "" : wrappedKey.keyVersion());
        writeBytes(out, wrappedKey.ciphertext());
        writeBytes(out, context == null ? new byte[0] : RecordedContext.encode(context));
        if (checksum != null) {
            out.write(checksum.algorithm().ordinal());
            out.write(checksum.type().ordinal());
        }
        return upstreamId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /**
     * Decodes a client's upload id.
     *
     * @throws S3Exception NoSuchUpload when it is not one s3seal could have issued
     */
    public static MultipartUploadId decode(String clientId) {
        if (clientId == null || clientId.length() > MAX_ENCODED) {
            throw noSuchUpload();
        }
        int dot = clientId.lastIndexOf('.');
        if (dot <= 0 || dot == clientId.length() - 1) {
            throw noSuchUpload();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(Base64.getUrlDecoder().decode(clientId.substring(dot + 1)));
            byte version = in.get();
            if (version != VERSION && version != VERSION_1 && version != VERSION_WITH_CHECKSUM) {
                throw noSuchUpload();
            }
            int segmentSize = in.getInt();
            if (segmentSize < ObjectFormat.MIN_SEGMENT_SIZE || segmentSize > ObjectFormat.MAX_SEGMENT_SIZE) {
                throw noSuchUpload();
            }
            String kind = readString(in);
            String keyId = readString(in);
            String keyVersion = readString(in);
            byte[] blob = readBytes(in);
            byte[] context = version == VERSION_1 ? new byte[0] : readBytes(in);
            UploadChecksum checksum = version == VERSION_WITH_CHECKSUM
                    ? new UploadChecksum(ChecksumAlgorithm.values()[in.get()], SealedChecksum.Type.values()[in.get()])
                    : null;
            if (in.hasRemaining() || kind.isEmpty() || keyId.isEmpty() || blob.length == 0) {
                throw noSuchUpload();
            }
            return new MultipartUploadId(
                    clientId.substring(0, dot),
                    new WrappedKey(kind, keyId, keyVersion.isEmpty() ? null : keyVersion, blob),
                    segmentSize,
                    context.length == 0 ? null : RecordedContext.decode(context),
                    checksum);
        } catch (RuntimeException malformed) {
            throw malformed instanceof S3Exception s3 ? s3 : noSuchUpload();
        }
    }

    /** The upstream id inside a client's id, or the id itself when it is not one of s3seal's (abort only). */
    static String upstreamIdOf(String clientId) {
        try {
            return decode(clientId).upstreamId();
        } catch (S3Exception notOurs) {
            return clientId;
        }
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) value.length).array());
        out.writeBytes(value);
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getShort() & 0xFFFF;
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    private static S3Exception noSuchUpload() {
        return new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD);
    }
}
