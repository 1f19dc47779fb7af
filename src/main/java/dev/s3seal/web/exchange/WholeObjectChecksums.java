package dev.s3seal.web.exchange;

import dev.s3seal.s3.S3Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code x-amz-checksum-*} headers of CompleteMultipartUpload (a value, composite
 * {@code base64-N} or full-object, and {@code x-amz-checksum-type}) are S3's checksum of the whole
 * object, not of the XML body: never verified against the body. Under passthrough they go upstream
 * as sent (S3 checks them); under the client-side modes they describe a plaintext the upstream never
 * stores and are not sent (docs/limits.md).
 */
final class WholeObjectChecksums {

    private WholeObjectChecksums() {}

    /** The headers that describe {@code operation}'s request body: all of them but whole-object checksums. */
    static Map<String, List<String>> bodyHeaders(S3Operation operation, Map<String, List<String>> headers) {
        if (operation != S3Operation.COMPLETE_MULTIPART_UPLOAD) {
            return headers;
        }
        Map<String, List<String>> out = new LinkedHashMap<>(headers);
        out.keySet().removeIf(WholeObjectChecksums::isWholeObjectChecksum);
        return out;
    }

    private static boolean isWholeObjectChecksum(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("x-amz-checksum-") || lower.equals("x-amz-sdk-checksum-algorithm");
    }
}
