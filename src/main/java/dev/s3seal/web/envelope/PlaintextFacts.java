package dev.s3seal.web.envelope;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Client headers that describe the plaintext body (Content-MD5, checksums): s3seal verifies them on
 * the plaintext, and they do not hold for the ciphertext that goes upstream.
 */
public final class PlaintextFacts {

    private PlaintextFacts() {}

    public static boolean describesBody(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("content-md5")
                || lower.startsWith("x-amz-checksum-")
                || lower.equals("x-amz-sdk-checksum-algorithm");
    }

    /** {@code headers} without the ones that describe the plaintext body. */
    public static Map<String, List<String>> without(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>(headers);
        out.keySet().removeIf(PlaintextFacts::describesBody);
        return out;
    }
}
