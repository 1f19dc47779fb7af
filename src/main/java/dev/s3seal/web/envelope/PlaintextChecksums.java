package dev.s3seal.web.envelope;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.auth.payload.FlexibleChecksum;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.SealedChecksum;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;

/**
 * S3's flexible checksums under the client-side modes: the client's checksum of the plaintext,
 * verified by s3seal as the body streamed, sealed with the object ({@code s3seal-x},
 * {@link SealedChecksum}) and answered as S3 answers it: on PutObject and UploadPart, and on a whole
 * GET or HEAD that asks with {@code x-amz-checksum-mode: ENABLED}. A sealed checksum that does not
 * open (edited, or moved from another object) fails the read like any altered object: it is never
 * answered as valid, and never left out silently.
 */
public final class PlaintextChecksums {

    public static final String MODE_HEADER = "x-amz-checksum-mode";
    public static final String TYPE_HEADER = "x-amz-checksum-type";

    private PlaintextChecksums() {}

    /** A whole object's checksum, as a GET or HEAD answers it. */
    public record Answer(ChecksumAlgorithm algorithm, String value, SealedChecksum.Type type) {

        public void writeTo(HttpHeaders headers) {
            headers.set(algorithm.headerName(), value);
            headers.set(TYPE_HEADER, type.name());
        }
    }

    /** Seals the full-object checksum of a single-part object of {@code plaintextLength} bytes. */
    public static byte[] seal(byte[] dataKey, FlexibleChecksum checksum, long plaintextLength) {
        return SealedChecksum.seal(dataKey, sealable(checksum, SealedChecksum.Type.FULL_OBJECT), plaintextLength, 0);
    }

    /** Seals a multipart object's checksum ({@code type} as the upload asked) over {@code parts} parts. */
    public static byte[] sealMultipart(
            byte[] dataKey, FlexibleChecksum checksum, SealedChecksum.Type type, long plaintextLength, int parts) {
        return SealedChecksum.seal(dataKey, sealable(checksum, type), plaintextLength, parts);
    }

    /** S3's answer to a write: the checksum it verified, of the whole body. */
    public static void answer(HttpHeaders headers, FlexibleChecksum checksum) {
        headers.set(checksum.headerName(), checksum.base64());
        headers.set(TYPE_HEADER, SealedChecksum.Type.FULL_OBJECT.name());
    }

    /** True when the client asked for checksums ({@code x-amz-checksum-mode: ENABLED}, case as S3 accepts it). */
    public static boolean asked(String modeHeader) {
        return modeHeader != null && modeHeader.strip().toUpperCase(Locale.ROOT).equals("ENABLED");
    }

    /**
     * The checksum a whole GET or HEAD of this object answers, when it carries one.
     *
     * @throws dev.s3seal.crypto.AuthenticationFailedException when the sealed entry does not open
     */
    public static Optional<Answer> of(EnvelopeMetadata envelope, byte[] dataKey) {
        if (envelope.sealedChecksum() == null) {
            return Optional.empty();
        }
        SealedChecksum.Checksum opened = envelope.openChecksum(dataKey);
        ChecksumAlgorithm algorithm =
                ChecksumAlgorithm.valueOf(opened.algorithm().name());
        String value = new FlexibleChecksum(algorithm, opened.value()).base64();
        if (opened.type() == SealedChecksum.Type.COMPOSITE) {
            value = value + "-" + (envelope.partCount() == null ? 1 : envelope.partCount());
        }
        return Optional.of(new Answer(algorithm, value, opened.type()));
    }

    /**
     * The full-object checksum a copy of a single-part object keeps (the copy has the same plaintext);
     * empty for objects without one and for multipart objects, whose composite value describes parts.
     *
     * @throws dev.s3seal.crypto.AuthenticationFailedException when the sealed entry does not open
     */
    public static Optional<FlexibleChecksum> keptByCopy(EnvelopeMetadata envelope, byte[] dataKey) {
        if (envelope == null || envelope.sealedChecksum() == null || envelope.manifest() != null) {
            return Optional.empty();
        }
        SealedChecksum.Checksum opened = envelope.openChecksum(dataKey);
        return Optional.of(new FlexibleChecksum(
                ChecksumAlgorithm.valueOf(opened.algorithm().name()), opened.value()));
    }

    private static SealedChecksum.Checksum sealable(FlexibleChecksum checksum, SealedChecksum.Type type) {
        return new SealedChecksum.Checksum(
                SealedChecksum.Algorithm.named(checksum.algorithm().name()), type, checksum.value());
    }
}
