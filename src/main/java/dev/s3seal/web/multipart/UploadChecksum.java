package dev.s3seal.web.multipart;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.auth.payload.FlexibleChecksum;
import dev.s3seal.crypto.SealedChecksum;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.web.envelope.PlaintextChecksums;
import dev.s3seal.web.exchange.BodyChecksum;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;

/**
 * The checksum a multipart upload was created with ({@code x-amz-checksum-algorithm} and
 * {@code x-amz-checksum-type} on CreateMultipartUpload), carried to every replica in the upload id
 * ({@link MultipartUploadId}); at completion the object's checksum is made of the parts' as S3 makes it.
 */
public record UploadChecksum(ChecksumAlgorithm algorithm, SealedChecksum.Type type) {

    /** Only the combinations S3 accepts (an id decoded from a client is checked here too). */
    public UploadChecksum {
        if (!allowed(algorithm, type)) {
            throw new IllegalArgumentException("no " + type + " checksum with " + algorithm);
        }
    }

    static final String ALGORITHM_HEADER = "x-amz-checksum-algorithm";

    /** What the client's CreateMultipartUpload asks for, with S3's defaults and refusals. */
    static Optional<UploadChecksum> requested(S3Request request) {
        String name = request.header(ALGORITHM_HEADER);
        String type = request.header(PlaintextChecksums.TYPE_HEADER);
        if (name == null) {
            if (type != null) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
            }
            return Optional.empty();
        }
        ChecksumAlgorithm algorithm = ChecksumAlgorithm.fromName(name)
                .orElseThrow(() ->
                        new S3Exception(S3ErrorCode.INVALID_REQUEST, "Checksum algorithm provided is unsupported."));
        SealedChecksum.Type chosen = type == null ? defaultType(algorithm) : type(type);
        if (!allowed(algorithm, chosen)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The " + chosen.name() + " checksum type cannot be used with the "
                            + algorithm.name().toLowerCase(Locale.ROOT) + " checksum algorithm.");
        }
        return Optional.of(new UploadChecksum(algorithm, chosen));
    }

    /**
     * S3's rule for a part of this upload: its checksum is of the upload's algorithm, and present
     * unless the upload's checksum is full-object (S3 computes the missing one then; s3seal cannot,
     * so such an object ends without a checksum).
     */
    void checkPart(BodyChecksum part) {
        Optional<ChecksumAlgorithm> sent = part.algorithm();
        if (sent.map(a -> a != algorithm).orElse(type == SealedChecksum.Type.COMPOSITE)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Checksum Type mismatch occurred, expected checksum Type: "
                            + algorithm.name().toLowerCase(Locale.ROOT) + ", actual checksum Type: "
                            + sent.map(a -> a.name().toLowerCase(Locale.ROOT)).orElse("null"));
        }
    }

    /** S3's answer to CreateMultipartUpload: the algorithm and the type. */
    void answer(HttpHeaders headers) {
        headers.set(ALGORITHM_HEADER, algorithm.name());
        headers.set(PlaintextChecksums.TYPE_HEADER, type.name());
    }

    /**
     * The object's checksum from the parts' checksums (in part order) and plaintext lengths: S3's
     * composite (the checksum of the concatenated part checksums) or the full-object CRC.
     */
    FlexibleChecksum of(List<FlexibleChecksum> parts, long[] lengths) {
        return type == SealedChecksum.Type.COMPOSITE
                ? FlexibleChecksum.composite(algorithm, parts)
                : FlexibleChecksum.fullObject(algorithm, parts, lengths);
    }

    /** FULL_OBJECT for the CRC algorithms only, and CRC64NVME is FULL_OBJECT only, as in S3. */
    private static boolean allowed(ChecksumAlgorithm algorithm, SealedChecksum.Type type) {
        return type == SealedChecksum.Type.FULL_OBJECT
                ? FlexibleChecksum.supportsFullObject(algorithm)
                : algorithm != ChecksumAlgorithm.CRC64NVME;
    }

    /** CRC64NVME is full-object only; the other algorithms default to composite, as in S3. */
    private static SealedChecksum.Type defaultType(ChecksumAlgorithm algorithm) {
        return algorithm == ChecksumAlgorithm.CRC64NVME
                ? SealedChecksum.Type.FULL_OBJECT
                : SealedChecksum.Type.COMPOSITE;
    }

    private static SealedChecksum.Type type(String value) {
        for (SealedChecksum.Type type : SealedChecksum.Type.values()) {
            if (type.name().equalsIgnoreCase(value.strip())) {
                return type;
            }
        }
        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Value for x-amz-checksum-type header is invalid.");
    }
}
