package dev.s3seal.policy;

import org.jspecify.annotations.Nullable;

/**
 * The other key a store may act on when a request names {@code key}. S3 keeps every byte of a key, but
 * S3-compatible stores need not: S3Proxy (jclouds, both its filesystem and its in-memory backend) reads
 * {@code a//b} as {@code a/b} and {@code k.pem/} as {@code k.pem}, in paths, copy sources and DeleteObjects
 * bodies alike. A policy that decided only on the key as sent would let {@code a//secret/x} read what a deny
 * on {@code a/secret/} protects, and {@code k.pem/} what a deny on {@code *.pem} protects.
 *
 * <p>The reading: runs of {@code /} collapsed into one, and leading and trailing {@code /} removed; a listing
 * prefix keeps its trailing {@code /}, which is what makes it a folder. Where requests are parsed, keys with
 * empty, {@code .} or {@code ..} segments are refused outright (their store reading may fall under another
 * mode, not only under a deny; {@code s3.ObjectKeyNames}), so a trailing {@code /} is what this decides in
 * practice; the rest keeps the engine safe for callers that pass keys from elsewhere.
 */
final class StoreReadings {

    private StoreReadings() {}

    /**
     * The normalised reading of {@code key} when it differs from {@code key}; empty string when nothing but
     * slashes remains; null when the key reads as itself (the common case, answered without allocating).
     */
    static @Nullable String otherReading(@Nullable String key, boolean listingPrefix) {
        if (key == null || !needsReading(key, listingPrefix)) {
            return null;
        }
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '/' && (out.length() == 0 || out.charAt(out.length() - 1) == '/')) {
                continue; // a leading slash, or the second of a run
            }
            out.append(c);
        }
        boolean keepTrailing = listingPrefix && key.endsWith("/");
        if (!keepTrailing && out.length() > 0 && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        String reading = out.toString();
        return reading.equals(key) ? null : reading;
    }

    private static boolean needsReading(String key, boolean listingPrefix) {
        if (key.isEmpty()) {
            return false;
        }
        if (key.charAt(0) == '/' || (!listingPrefix && key.charAt(key.length() - 1) == '/')) {
            return true;
        }
        return key.contains("//");
    }
}
