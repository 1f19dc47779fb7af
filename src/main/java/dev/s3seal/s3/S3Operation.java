package dev.s3seal.s3;

import java.util.List;

/**
 * The S3 operations s3seal tells apart, because it treats their bodies, sizes or keys differently.
 * Everything else is {@link #OTHER} and forwarded unchanged.
 */
public enum S3Operation {
    PUT_OBJECT, GET_OBJECT, HEAD_OBJECT, COPY_OBJECT, DELETE_OBJECT, DELETE_OBJECTS,
    CREATE_MULTIPART_UPLOAD, UPLOAD_PART, UPLOAD_PART_COPY, COMPLETE_MULTIPART_UPLOAD, ABORT_MULTIPART_UPLOAD,
    LIST_PARTS, POST_OBJECT, SELECT_OBJECT_CONTENT, LIST_OBJECTS, LIST_OBJECT_VERSIONS, OTHER;

    /** Sub-resources that turn an object or bucket request into a different operation (tagging, acl, ...). */
    private static final java.util.Set<String> SUB_RESOURCES = java.util.Set.of("acl", "tagging", "retention",
            "legal-hold", "torrent", "restore", "attributes", "policy", "cors", "lifecycle", "versioning",
            "website", "logging", "notification", "replication", "encryption", "object-lock", "ownershipControls",
            "publicAccessBlock", "requestPayment", "accelerate", "analytics", "inventory", "metrics",
            "intelligent-tiering", "location", "uploads", "session");

    /**
     * Object-level sub-resources whose requests carry no object data, so they may pass under a
     * client-side rule: ACLs, tags, retention and legal hold (GET/PUT/DELETE), restore (POST).
     * Any other object-level sub-resource is refused there, since an upstream that does not know
     * it may treat the request as a plain PutObject or GetObject.
     */
    public static boolean isMetadataOnlySubResource(S3Request request) {
        List<QueryParameters.Parameter> named = request.query().all().stream()
                .filter(p -> !p.name().equals("versionId")).toList();
        if (named.size() != 1) {
            return false;
        }
        String name = named.get(0).name();
        return switch (request.method()) {
            case "GET", "PUT", "DELETE" -> java.util.Set.of("acl", "tagging", "retention", "legal-hold").contains(name);
            case "POST" -> name.equals("restore");
            default -> false;
        };
    }

    public static S3Operation of(S3Request request) {
        QueryParameters q = request.query();
        String method = request.method();
        if (!request.hasBucket()) {
            return OTHER;
        }
        if ("POST".equals(method) && q.has("delete")) {
            return DELETE_OBJECTS;
        }
        if (!request.hasKey()) {
            return bucketOperation(method, q);
        }
        if (q.has("select") && "POST".equals(method)) {
            return SELECT_OBJECT_CONTENT;
        }
        if (q.has("uploadId")) {
            return switch (method) {
                case "PUT" -> request.header("x-amz-copy-source") != null ? UPLOAD_PART_COPY : UPLOAD_PART;
                case "POST" -> COMPLETE_MULTIPART_UPLOAD;
                case "DELETE" -> ABORT_MULTIPART_UPLOAD;
                case "GET" -> LIST_PARTS;
                default -> OTHER;
            };
        }
        if (q.has("uploads") && "POST".equals(method)) {
            return CREATE_MULTIPART_UPLOAD;
        }
        if (q.all().stream().anyMatch(p -> SUB_RESOURCES.contains(p.name()))) {
            return OTHER;
        }
        return switch (method) {
            case "PUT" -> request.header("x-amz-copy-source") != null ? COPY_OBJECT : PUT_OBJECT;
            case "GET" -> GET_OBJECT;
            case "HEAD" -> HEAD_OBJECT;
            case "DELETE" -> DELETE_OBJECT;
            default -> OTHER;
        };
    }

    private static S3Operation bucketOperation(String method, QueryParameters q) {
        if ("POST".equals(method) && q.has("delete")) {
            return DELETE_OBJECTS;
        }
        if ("POST".equals(method) && q.all().isEmpty()) {
            return POST_OBJECT;
        }
        if ("GET".equals(method) && q.has("versions")) {
            return LIST_OBJECT_VERSIONS;
        }
        if ("GET".equals(method) && q.all().stream().noneMatch(p -> SUB_RESOURCES.contains(p.name())
                || p.name().equals("versions"))) {
            return LIST_OBJECTS;
        }
        return OTHER;
    }

    /** The policy's coarse operation class for this S3 operation. */
    public dev.s3seal.policy.Operation policyOperation() {
        return switch (this) {
            case GET_OBJECT, HEAD_OBJECT, SELECT_OBJECT_CONTENT -> dev.s3seal.policy.Operation.READ;
            case PUT_OBJECT, COPY_OBJECT, CREATE_MULTIPART_UPLOAD, UPLOAD_PART, UPLOAD_PART_COPY,
                 COMPLETE_MULTIPART_UPLOAD, ABORT_MULTIPART_UPLOAD, LIST_PARTS, POST_OBJECT ->
                    dev.s3seal.policy.Operation.WRITE;
            case DELETE_OBJECT, DELETE_OBJECTS -> dev.s3seal.policy.Operation.DELETE;
            case LIST_OBJECTS, LIST_OBJECT_VERSIONS -> dev.s3seal.policy.Operation.LIST;
            case OTHER -> dev.s3seal.policy.Operation.OTHER;
        };
    }
}
