package dev.s3seal.s3;

/** Checks on object key names that s3seal applies wherever a request names a key. */
public final class ObjectKeyNames {

    private ObjectKeyNames() {}

    /**
     * True when a '/'-separated segment of {@code key} is "." or "..": an HTTP layer or a store
     * between s3seal and the data may normalize them into another key or bucket than the one s3seal
     * authorized.
     */
    public static boolean hasDotSegment(String key) {
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
