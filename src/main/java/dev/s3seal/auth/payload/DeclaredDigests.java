package dev.s3seal.auth.payload;

import dev.s3seal.auth.PayloadMode;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the request headers promise about the body: its decoded length, Content-MD5, an
 * {@code x-amz-checksum-*} header and the checksums announced in {@code x-amz-trailer}. Parsed
 * up front so a malformed promise fails before any byte is forwarded.
 */
record DeclaredDigests(
        long decodedLength,
        byte @Nullable [] contentMd5,
        Map<ChecksumAlgorithm, byte[]> headerChecksums,
        Set<ChecksumAlgorithm> trailerChecksums) {

    static DeclaredDigests parse(PayloadMode mode, Map<String, List<String>> headers) {
        long length = mode.isStreaming()
                ? requiredLength(first(headers, "x-amz-decoded-content-length"))
                : optionalLength(first(headers, "content-length"));
        byte[] md5 = contentMd5(first(headers, "content-md5"));
        Map<ChecksumAlgorithm, byte[]> checksums = new EnumMap<>(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
            String value = first(headers, algorithm.headerName());
            if (value != null) {
                checksums.put(algorithm, decodeChecksum(algorithm, value));
            }
        }
        if (checksums.size() > 1) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        }
        Set<ChecksumAlgorithm> trailers = trailerChecksums(mode, first(headers, "x-amz-trailer"));
        checkSdkAlgorithm(first(headers, "x-amz-sdk-checksum-algorithm"), checksums.keySet(), trailers);
        return new DeclaredDigests(length, md5, checksums, trailers);
    }

    /** Decodes a base64 checksum value; a value of the wrong shape is InvalidRequest, as in S3. */
    static byte[] decodeChecksum(ChecksumAlgorithm algorithm, String value) {
        try {
            byte[] bytes = Base64.getDecoder().decode(value.strip());
            if (bytes.length == algorithm.length()) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // fall through to the S3 error below
        }
        throw new S3Exception(
                S3ErrorCode.INVALID_REQUEST, "Value for " + algorithm.headerName() + " header is invalid.");
    }

    private static Set<ChecksumAlgorithm> trailerChecksums(PayloadMode mode, String header) {
        Set<ChecksumAlgorithm> trailers = EnumSet.noneOf(ChecksumAlgorithm.class);
        if (header == null || header.isBlank()) {
            return trailers;
        }
        if (!mode.hasTrailer()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "x-amz-trailer requires a STREAMING-*-TRAILER x-amz-content-sha256 value.");
        }
        for (String name : header.split(",")) {
            trailers.add(ChecksumAlgorithm.fromHeaderName(name)
                    .orElseThrow(() -> new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "The value specified in the x-amz-trailer header is not supported")));
        }
        return trailers;
    }

    private static void checkSdkAlgorithm(
            String value, Set<ChecksumAlgorithm> headers, Set<ChecksumAlgorithm> trailers) {
        if (value == null) {
            return;
        }
        ChecksumAlgorithm algorithm = ChecksumAlgorithm.fromName(value)
                .orElseThrow(() ->
                        new S3Exception(S3ErrorCode.INVALID_REQUEST, "Checksum algorithm provided is unsupported."));
        if (!headers.contains(algorithm) && !trailers.contains(algorithm)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "x-amz-sdk-checksum-algorithm specified, but no"
                            + " corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
        }
    }

    private static byte @Nullable [] contentMd5(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            byte[] md5 = Base64.getDecoder().decode(value.strip());
            if (md5.length == 16) {
                return md5;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new S3Exception(S3ErrorCode.INVALID_DIGEST);
    }

    private static long requiredLength(String value) {
        if (value == null) {
            throw new S3Exception(
                    S3ErrorCode.MISSING_CONTENT_LENGTH,
                    "You must provide the x-amz-decoded-content-length header for aws-chunked uploads.");
        }
        return parseLength(value, "x-amz-decoded-content-length");
    }

    private static long optionalLength(String value) {
        return value == null ? -1 : parseLength(value, "content-length");
    }

    private static long parseLength(String value, String name) {
        try {
            long length = Long.parseLong(value.strip());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The " + name + " header is not a valid length.");
    }

    private static @Nullable String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
