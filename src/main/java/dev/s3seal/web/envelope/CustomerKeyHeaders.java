package dev.s3seal.web.envelope;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The SSE-C request headers: reading a client's customer key as S3 checks it, and removing them. */
public final class CustomerKeyHeaders {

    public static final String PREFIX = "x-amz-server-side-encryption-customer-";
    public static final String COPY_SOURCE_PREFIX = "x-amz-copy-source-server-side-encryption-customer-";
    public static final String ALGORITHM = PREFIX + "algorithm";
    static final String KEY = PREFIX + "key";
    public static final String KEY_MD5 = PREFIX + "key-md5";
    public static final String AES256 = "AES256";
    private static final int KEY_LENGTH = 32;

    private CustomerKeyHeaders() {}

    /**
     * The 32-byte customer key of the request (the caller owns and wipes it), or null when it sends
     * no SSE-C header. Refused as S3 refuses: a set without algorithm or key, an algorithm other than
     * AES256, a key that is not 256 bits, or an MD5 that does not match the key.
     */
    public static byte[] read(S3Request request) {
        return read(request, PREFIX);
    }

    /** The copy source's customer key ({@code x-amz-copy-source-server-side-encryption-customer-*}), as {@link #read}. */
    public static byte[] readCopySource(S3Request request) {
        return read(request, COPY_SOURCE_PREFIX);
    }

    /** Whether the request has any header of the SSE-C set starting with {@code prefix}. */
    public static boolean present(S3Request request, String prefix) {
        return request.headers().keySet().stream()
                .anyMatch(name -> name.toLowerCase(Locale.ROOT).startsWith(prefix));
    }

    private static byte[] read(S3Request request, String prefix) {
        String algorithm = request.header(prefix + "algorithm");
        String key = request.header(prefix + "key");
        String md5 = request.header(prefix + "key-md5");
        if (algorithm == null && key == null && md5 == null) {
            return null;
        }
        if (algorithm == null) {
            throw invalid(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.");
        }
        if (!AES256.equals(algorithm.trim())) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ENCRYPTION_ALGORITHM, "The encryption algorithm specified is not valid.");
        }
        if (key == null) {
            throw invalid(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(key.trim());
        } catch (IllegalArgumentException malformed) {
            throw invalid("The secret key was invalid for the specified algorithm.");
        }
        if (decoded.length != KEY_LENGTH) {
            Arrays.fill(decoded, (byte) 0);
            throw invalid("The secret key was invalid for the specified algorithm.");
        }
        if (md5 != null
                && !MessageDigest.isEqual(
                        md5.trim().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        md5Of(decoded).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            Arrays.fill(decoded, (byte) 0);
            throw invalid("The calculated MD5 hash of the key did not match the hash that was provided.");
        }
        return decoded;
    }

    /** Base64 MD5 of a key, as in {@code x-amz-server-side-encryption-customer-key-MD5}. */
    public static String md5Of(byte[] key) {
        return Base64.getEncoder().encodeToString(PlaintextEtags.md5().digest(key));
    }

    /**
     * The SSE-C headers a client sent for the object ({@code x-amz-server-side-encryption-customer-*}),
     * to carry on the upstream calls s3seal makes of its own for that request: S3 needs the key on
     * every call that reads or writes the object's data (a completion, a HEAD, a copy's destination).
     * Only called after {@code ClientSseHeaders#check} let them through. Empty when there are none.
     */
    public static Map<String, List<String>> carried(Map<String, List<String>> headers) {
        Map<String, List<String>> carried = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(PREFIX)) {
                carried.put(lower, values);
            }
        });
        return carried;
    }

    /**
     * The same key for both sides of a self-copy: as the destination's and as the copy source's
     * ({@code x-amz-copy-source-server-side-encryption-customer-*}) SSE-C headers.
     */
    public static Map<String, List<String>> carriedForSelfCopy(Map<String, List<String>> headers) {
        Map<String, List<String>> destination = carried(headers);
        Map<String, List<String>> both = new LinkedHashMap<>(destination);
        destination.forEach((name, values) -> both.put(COPY_SOURCE_PREFIX + name.substring(PREFIX.length()), values));
        return both;
    }

    /** The request without its SSE-C headers (of the object and of a copy source). */
    public static S3Request without(S3Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.keySet().removeIf(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            return lower.startsWith(PREFIX) || lower.startsWith(COPY_SOURCE_PREFIX);
        });
        return new S3Request(
                request.method(),
                request.rawPath(),
                request.rawQuery(),
                request.bucket(),
                request.key(),
                request.query(),
                headers);
    }

    private static S3Exception invalid(String message) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message);
    }
}
