package dev.s3seal.web;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import dev.s3seal.crypto.EnvelopeMetadata;

/** Plaintext ETags (quoted hex MD5) and S3's If-Match / If-None-Match evaluation against them. */
final class PlaintextEtags {

    private PlaintextEtags() {
    }

    static String quoted(byte[] md5) {
        return "\"" + HexFormat.of().formatHex(md5) + "\"";
    }

    /** The plaintext ETag of a single-part object whose envelope carries a sealed MD5, else null. */
    static String of(EnvelopeMetadata envelope, byte[] dataKey) {
        if (envelope.sealedMd5() == null || envelope.manifest() != null) {
            return null;
        }
        try {
            return quoted(EnvelopeMetadata.openMd5(dataKey, envelope.sealedMd5(), envelope.plaintextLength()));
        } catch (RuntimeException corrupt) {
            throw new dev.s3seal.s3.S3Exception(dev.s3seal.s3.S3ErrorCode.INVALID_OBJECT_STATE,
                    "The object's s3seal metadata is not valid; it cannot be decrypted.");
        }
    }

    /** True when {@code header} (an If-Match / If-None-Match value: {@code *} or a list of ETags) matches {@code etag}. */
    static boolean matches(String header, String etag) {
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
    static final List<String> EVALUATED = List.of("if-match", "if-none-match");
}
