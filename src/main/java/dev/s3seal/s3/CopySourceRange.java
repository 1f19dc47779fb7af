package dev.s3seal.s3;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * UploadPartCopy's {@code x-amz-copy-source-range: bytes=first-last}, read strictly as S3 does:
 * one closed range of decimal offsets, nothing else (no open or suffix range, no list, no other
 * unit, no empty value). The upstream gets {@link #toHeaderValue()}, never the client's spelling,
 * so the bytes s3seal reasons about are the bytes the upstream copies.
 */
public record CopySourceRange(long first, long last) {

    private static final Pattern CLOSED = Pattern.compile("bytes=(\\d{1,19})-(\\d{1,19})");

    /** The range in {@code header}; null when there is no header. */
    public static @Nullable CopySourceRange parse(@Nullable String header) {
        if (header == null) {
            return null;
        }
        Matcher m = CLOSED.matcher(header.trim());
        if (!m.matches()) {
            throw malformed();
        }
        try {
            return new CopySourceRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        } catch (NumberFormatException beyondLong) {
            throw malformed();
        }
    }

    public String toHeaderValue() {
        return "bytes=" + first + "-" + last;
    }

    private static S3Exception malformed() {
        return new S3Exception(
                S3ErrorCode.INVALID_ARGUMENT,
                "The x-amz-copy-source-range value must be of the form "
                        + "bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
    }
}
