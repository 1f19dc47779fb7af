package dev.s3seal.s3;

import java.util.regex.Pattern;

/**
 * A loose bucket-name check: s3seal only refuses names that could never be a bucket (and could
 * smuggle a path into the upstream URL); the upstream enforces its own stricter rules.
 */
final class BucketNames {

    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");

    private BucketNames() {}

    static boolean isPlausible(String bucket) {
        return PLAUSIBLE.matcher(bucket).matches() && !bucket.contains("..");
    }
}
