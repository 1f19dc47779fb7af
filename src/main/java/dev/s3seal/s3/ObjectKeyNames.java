package dev.s3seal.s3;

/** Checks on object key names that s3seal applies wherever a request names a key. */
public final class ObjectKeyNames {

    /** Why such a key is refused, in the error a client gets. */
    public static final String AMBIGUOUS_SEGMENTS =
            "s3seal does not accept keys with '.', '..' or empty path segments ('//' or a leading '/').";

    private ObjectKeyNames() {}

    /**
     * True when a '/'-separated segment of {@code key} is ".", ".." or empty (a leading '/' or '//';
     * the empty end of a folder marker such as {@code logs/} is not one): an HTTP layer or a store
     * between s3seal and the data may normalise them into another key or bucket than the one s3seal
     * authorised. S3Proxy does: it stores a PUT of {@code a//b} as {@code a/b} and deletes
     * {@code x/../k} as {@code k}, which another rule (another mode, a deny) may govern.
     */
    public static boolean hasAmbiguousSegment(String key) {
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean folderMarkerEnd = i == segments.length - 1 && i > 0;
            if (segment.equals(".") || segment.equals("..") || (segment.isEmpty() && !folderMarkerEnd)) {
                return true;
            }
        }
        return false;
    }
}
