package dev.s3seal.web.envelope;

import dev.s3seal.crypto.EnvelopeMetadata;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/** Plaintext ETags (quoted hex MD5) and S3's If-Match / If-None-Match evaluation against them. */
public final class PlaintextEtags {

    private PlaintextEtags() {}

    private static final Pattern HEX_MD5 = Pattern.compile("\"?[0-9a-fA-F]{32}\"?");

    public static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code plaintext} passed on unchanged, each buffer added to {@code md5} as it streams (nothing is buffered). */
    public static Flux<DataBuffer> digesting(Flux<DataBuffer> plaintext, MessageDigest md5) {
        return plaintext.doOnNext(buffer -> {
            try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
                while (it.hasNext()) {
                    md5.update(it.next());
                }
            }
        });
    }

    /** True for a (quoted or bare) hex MD5, the shape of a single-part or part ETag. */
    public static boolean isMd5(String etag) {
        return etag != null && HEX_MD5.matcher(etag.trim()).matches();
    }

    public static String quoted(byte[] md5) {
        return "\"" + HexFormat.of().formatHex(md5) + "\"";
    }

    /** The plaintext ETag of a single-part object whose envelope carries a sealed MD5, else null. */
    public static String of(EnvelopeMetadata envelope, byte[] dataKey) {
        if (envelope.sealedMd5() == null || envelope.manifest() != null) {
            return null;
        }
        try {
            return quoted(EnvelopeMetadata.openMd5(dataKey, envelope.sealedMd5(), envelope.plaintextLength()));
        } catch (RuntimeException corrupt) {
            throw new dev.s3seal.s3.S3Exception(
                    dev.s3seal.s3.S3ErrorCode.INVALID_OBJECT_STATE,
                    "The object's s3seal metadata is not valid; it cannot be decrypted.");
        }
    }

    /** True when {@code header} (an If-Match / If-None-Match value: {@code *} or a list of ETags) matches {@code etag}. */
    public static boolean matches(String header, String etag) {
        if (etag == null) {
            return false;
        }
        String bare = bare(etag);
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (!c.isEmpty() && bare(c).equals(bare)) {
                return true;
            }
        }
        return false;
    }

    private static String bare(String etag) {
        String t = etag.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t.toLowerCase(Locale.ROOT);
    }

    /** Names of the conditional headers s3seal evaluates itself under the client-side modes. */
    public static final List<String> EVALUATED = List.of("if-match", "if-none-match");
}
