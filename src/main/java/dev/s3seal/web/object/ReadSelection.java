package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.RangeMapping.PlaintextRange;
import dev.s3seal.s3.ByteRangeHeader;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which plaintext bytes a GetObject or HeadObject asks for: all of them, a {@code Range} header, or
 * a {@code partNumber} (S3's "ranged GET for the part": the plaintext bytes of that upload part, or
 * the whole object as part 1 of an object that was not uploaded in parts). Both at once is S3's
 * InvalidRequest; a part number outside 1..10000 its InvalidArgument.
 */
record ReadSelection(ByteRangeHeader range, Integer partNumber) {

    static final ReadSelection WHOLE = new ReadSelection(null, null);

    static ReadSelection of(S3Request request) {
        ByteRangeHeader range = ByteRangeHeader.parse(request.header("range"));
        String part = request.query().first("partNumber");
        if (part == null) {
            return range == null ? WHOLE : new ReadSelection(range, null);
        }
        if (request.header("range") != null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "Cannot specify both Range header and partNumber query parameter");
        }
        return new ReadSelection(null, parsePartNumber(part));
    }

    private static int parsePartNumber(String value) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= 1 && number <= 10_000) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new S3Exception(
                S3ErrorCode.INVALID_ARGUMENT, "Part number must be an integer between 1 and 10000, inclusive");
    }

    boolean isWhole() {
        return range == null && partNumber == null;
    }

    /** Part 1 of an empty single-part object: S3 has no byte range to name, so it is served whole. */
    boolean isWholeOf(EnvelopeMetadata envelope) {
        return isWhole() || (envelope.manifest() == null && isWholeOfSinglePart(envelope.plaintextLength()));
    }

    /** {@link #isWholeOf(EnvelopeMetadata)} for an object of {@code length} bytes that is one part. */
    boolean isWholeOfSinglePart(long length) {
        return isWhole() || (partNumber != null && partNumber == 1 && length == 0);
    }

    /** {@link #resolve} for an object of {@code length} plaintext bytes that is one part (the AWS client's format). */
    Optional<PlaintextRange> resolveSinglePart(long length) {
        if (range != null) {
            return RangeMapping.resolve(range.first(), range.last(), length);
        }
        return partNumber == 1 && length > 0 ? Optional.of(new PlaintextRange(0, length - 1)) : Optional.empty();
    }

    /**
     * The plaintext range asked for, or empty when it cannot be satisfied. {@code manifest} opens and
     * checks the object's multipart manifest (it needs the data key); it is called only for a part
     * number of a multipart object.
     */
    Optional<PlaintextRange> resolve(EnvelopeMetadata envelope, Supplier<MultipartManifest> manifest) {
        if (range != null || envelope.manifest() == null) {
            return resolveSinglePart(envelope.plaintextLength());
        }
        MultipartManifest parts = manifest.get();
        if (partNumber > parts.partCount()) {
            return Optional.empty();
        }
        long start = 0;
        for (int p = 1; p < partNumber; p++) {
            start += parts.partLength(p);
        }
        long partLength = parts.partLength(partNumber);
        return partLength == 0 ? Optional.empty() : Optional.of(new PlaintextRange(start, start + partLength - 1));
    }

    /** The error for an unsatisfiable selection of an object of {@code length} plaintext bytes. */
    S3Exception unsatisfiable(long length) {
        return partNumber != null
                ? new S3Exception(S3ErrorCode.INVALID_PART_NUMBER, "The requested partnumber is not satisfiable")
                : new S3Exception(
                        S3ErrorCode.INVALID_RANGE,
                        "The requested range is not satisfiable (object size " + length + ").");
    }

    /** {@code x-amz-mp-parts-count} for a part read of a multipart object, as S3 sends it; else null. */
    Integer partsCount(EnvelopeMetadata envelope) {
        return partNumber != null && envelope.manifest() != null ? envelope.partCount() : null;
    }
}
