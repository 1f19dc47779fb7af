package dev.s3seal.s3;

import java.util.List;
import java.util.Set;

/**
 * The families of S3 operations s3seal's handlers tell apart, because they treat their bodies, sizes
 * or keys differently. Every other operation of {@code OperationTable} is {@link #OTHER}: forwarded
 * with its canonical query. The policy class of an operation is the table's, not the family's.
 */
public enum S3Operation {
    PUT_OBJECT,
    GET_OBJECT,
    HEAD_OBJECT,
    COPY_OBJECT,
    DELETE_OBJECT,
    DELETE_OBJECTS,
    CREATE_MULTIPART_UPLOAD,
    UPLOAD_PART,
    UPLOAD_PART_COPY,
    COMPLETE_MULTIPART_UPLOAD,
    ABORT_MULTIPART_UPLOAD,
    LIST_PARTS,
    POST_OBJECT,
    SELECT_OBJECT_CONTENT,
    LIST_OBJECTS,
    LIST_OBJECT_VERSIONS,
    OTHER;

    /**
     * Object-level sub-resources whose requests carry no object data, so they may pass under a
     * client-side rule: ACLs, tags, retention and legal hold (GET/PUT/DELETE), restore (POST).
     * Any other object-level sub-resource is refused there, since an upstream that does not know
     * it may treat the request as a plain PutObject or GetObject.
     */
    public static boolean isMetadataOnlySubResource(S3Request request) {
        List<QueryParameters.Parameter> named = request.query().all().stream()
                .filter(p -> !p.name().equals("versionId"))
                .toList();
        if (named.size() != 1) {
            return false;
        }
        String name = named.get(0).name();
        return switch (request.method()) {
            case "GET", "PUT", "DELETE" ->
                Set.of("acl", "tagging", "retention", "legal-hold").contains(name);
            case "POST" -> name.equals("restore");
            default -> false;
        };
    }
}
