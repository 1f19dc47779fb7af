package dev.s3seal.s3.operations;

import static dev.s3seal.s3.operations.ParameterRule.BOOLEAN;
import static dev.s3seal.s3.operations.ParameterRule.NON_EMPTY;
import static dev.s3seal.s3.operations.ParameterRule.NON_NEGATIVE_INTEGER;
import static dev.s3seal.s3.operations.ParameterRule.PART_NUMBER;
import static dev.s3seal.s3.operations.ParameterRule.TEXT;
import static dev.s3seal.s3.operations.ParameterRule.TWO;
import static dev.s3seal.s3.operations.ParameterRule.URL_ENCODING;

import dev.s3seal.policy.Operation;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.operations.S3ApiOperation.CopySourceHeader;
import dev.s3seal.s3.operations.S3ApiOperation.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every general-purpose operation of the S3 API reference, object and bucket level, bucket
 * configuration included, and the recognition of a request against them.
 *
 * <p>Why a table: the policy decides on the operation s3seal recognises, and the upstream must
 * execute exactly that one. An upstream that does not know a sub-resource ignores it and runs a
 * plain GetObject, PutObject or DeleteObject, so a request s3seal cannot place in this table is
 * refused with S3's error and never forwarded, and the upstream query is rebuilt from the table
 * ({@link #recognise}): the identifying sub-resources and the operation's own parameters in
 * canonical form, nothing else.
 *
 * <p>The rules:
 * <ul>
 * <li>Sub-resource names ({@link #SUB_RESOURCES}) decide the operation, with the method, the level
 *     (service, bucket, object) and, for PUT, {@code x-amz-copy-source}. The set of sub-resources a
 *     request carries must be exactly an entry's; any other combination (an object key with a bucket
 *     sub-resource, {@code ?acl} on DELETE, {@code ?uploads} on PUT, two sub-resources) is
 *     {@code 400 InvalidRequest}; a method the addressed resource itself (no sub-resource) has no
 *     operation for is {@code 405 MethodNotAllowed}.</li>
 * <li>Names of S3 operations s3seal does not serve ({@link #NOT_SERVED}: directory-bucket and newer
 *     features) are {@code 501 NotImplemented}.</li>
 * <li>The recognised operation's parameters are checked ({@link ParameterRule}); a repeated one is
 *     {@code 400 InvalidArgument}. Every other parameter (SDKs add {@code x-id=GetObject}; presigned
 *     URLs carry {@code X-Amz-*}) is dropped, never refused, never forwarded.</li>
 * </ul>
 *
 * <p>Policy classes: an object operation is classed by what it does to that object, which is also
 * what its method would do on an upstream that ignored the sub-resource: reading an object's ACL,
 * tags, retention, legal hold, attributes or torrent is {@code read}; setting them, restoring an
 * archived copy, and every step of a multipart upload (ListParts and AbortMultipartUpload too, as
 * before) is {@code write}; DeleteObject and DeleteObjectTagging are {@code delete} (a rule that
 * protects objects from DELETE requests protects them whatever the sub-resource). Listings
 * (ListObjects, V2, versions, multipart uploads) are {@code list}, decided on their prefix; bucket
 * configuration, bucket lifecycle and ListBuckets are {@code other}.
 */
public final class OperationTable {

    /** Query names that identify an operation (every entry's sub-resources). */
    public static final Set<String> SUB_RESOURCES;

    /**
     * Names of S3 operations s3seal does not serve: CreateSession and RenameObject (directory buckets),
     * S3 Metadata tables, ABAC, Object Lambda's WriteGetObjectResponse route. Refused, never forwarded.
     */
    public static final Set<String> NOT_SERVED = Set.of(
            "session",
            "renameObject",
            "metadataTable",
            "metadataConfiguration",
            "metadataInventoryTable",
            "metadataJournalTable",
            "abac");

    private static final Map<String, ParameterRule> VERSION = Map.of("versionId", NON_EMPTY);
    private static final Map<String, ParameterRule> RESPONSE_OVERRIDES = Map.of(
            "response-cache-control",
            TEXT,
            "response-content-disposition",
            TEXT,
            "response-content-encoding",
            TEXT,
            "response-content-language",
            TEXT,
            "response-content-type",
            TEXT,
            "response-expires",
            TEXT);
    private static final Map<String, ParameterRule> CONTINUATION = Map.of("continuation-token", TEXT);

    // declared after the parameter maps it uses
    private static final List<S3ApiOperation> OPERATIONS = operations();

    /** What decides the candidates of a request: method, level and exact set of sub-resources. */
    private record Shape(String method, Level level, Set<String> subResources) {}

    /** The table by shape, each list in table order: recognise runs for every request (twice). */
    private static final Map<Shape, List<S3ApiOperation>> BY_SHAPE;

    static {
        Set<String> names = new HashSet<>();
        OPERATIONS.forEach(op -> names.addAll(op.subResources()));
        SUB_RESOURCES = Set.copyOf(names);
        Map<Shape, List<S3ApiOperation>> byShape = new HashMap<>();
        for (S3ApiOperation op : OPERATIONS) {
            byShape.computeIfAbsent(new Shape(op.method(), op.level(), op.subResources()), shape -> new ArrayList<>())
                    .add(op);
        }
        byShape.replaceAll((shape, ops) -> List.copyOf(ops));
        BY_SHAPE = Map.copyOf(byShape);
    }

    private OperationTable() {}

    /** The whole table. */
    public static List<S3ApiOperation> all() {
        return OPERATIONS;
    }

    /** A request placed in the table: its operation and the query the upstream gets. */
    public record Recognised(S3ApiOperation operation, QueryParameters query) {}

    /** The request's operation and canonical query, or {@link S3Exception} with S3's error. */
    public static Recognised recognise(S3Request request) {
        Level level = !request.hasBucket() ? Level.SERVICE : request.hasKey() ? Level.OBJECT : Level.BUCKET;
        Set<String> names = new HashSet<>();
        Set<String> subResources = new HashSet<>();
        for (QueryParameters.Parameter parameter : request.query().all()) {
            String name = parameter.name();
            if (NOT_SERVED.contains(name)) {
                throw new S3Exception(
                        S3ErrorCode.NOT_IMPLEMENTED,
                        "s3seal does not support the S3 operation named by '" + name + "'.");
            }
            names.add(name);
            if (SUB_RESOURCES.contains(name)) {
                subResources.add(name);
            }
        }
        boolean copySource = request.header("x-amz-copy-source") != null;
        List<S3ApiOperation> candidates = new ArrayList<>(2);
        for (S3ApiOperation op : BY_SHAPE.getOrDefault(new Shape(request.method(), level, subResources), List.of())) {
            if (op.copySource().admits(copySource)) {
                candidates.add(op);
            }
        }
        if (candidates.isEmpty()) {
            throw unrecognised(request.method(), level, subResources);
        }
        S3ApiOperation operation = null;
        for (S3ApiOperation op : candidates) {
            // the most specific candidate whose required parameters are all there; the first of equals
            if (names.containsAll(op.required())
                    && (operation == null
                            || op.required().size() > operation.required().size())) {
                operation = op;
            }
        }
        if (operation == null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    candidates.get(0).name() + " requires the query parameters "
                            + String.join(", ", candidates.get(0).required()) + ".");
        }
        return new Recognised(operation, canonicalQuery(operation, request.query()));
    }

    private static S3Exception unrecognised(String method, Level level, Set<String> subResources) {
        boolean methodKnownHere = OPERATIONS.stream().anyMatch(op -> op.method().equals(method) && op.level() == level);
        if (!methodKnownHere || subResources.isEmpty()) {
            return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED);
        }
        String named = subResources.isEmpty()
                ? "no sub-resource"
                : "sub-resources " + subResources.stream().sorted().collect(Collectors.joining(", "));
        return new S3Exception(
                S3ErrorCode.INVALID_REQUEST,
                "S3 defines no " + method + " operation on a " + level.name().toLowerCase(Locale.ROOT) + " with "
                        + named + ".");
    }

    /** The operation's own parameters, each once and in canonical form; everything else is dropped. */
    private static QueryParameters canonicalQuery(S3ApiOperation operation, QueryParameters query) {
        List<QueryParameters.Parameter> kept = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (QueryParameters.Parameter p : query.all()) {
            ParameterRule rule = operation.parameters().get(p.name());
            if (rule == null) {
                continue;
            }
            if (!seen.add(p.name())) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT, "The query parameter '" + p.name() + "' may appear only once.");
            }
            kept.add(new QueryParameters.Parameter(p.name(), rule.canonical(p.name(), p.value())));
        }
        return QueryParameters.of(kept);
    }

    // ---- the table ------------------------------------------------------------------------------

    private static List<S3ApiOperation> operations() {
        List<S3ApiOperation> t = new ArrayList<>();
        // service
        t.add(op("ListBuckets", "GET", Level.SERVICE, S3Operation.OTHER, Operation.OTHER)
                .params(Map.of(
                        "prefix",
                        TEXT,
                        "continuation-token",
                        TEXT,
                        "max-buckets",
                        NON_NEGATIVE_INTEGER,
                        "bucket-region",
                        TEXT))
                .build());

        // objects: data
        t.add(op("GetObject", "GET", Level.OBJECT, S3Operation.GET_OBJECT, Operation.READ)
                .params(VERSION)
                .params(RESPONSE_OVERRIDES)
                .params(Map.of("partNumber", PART_NUMBER))
                .build());
        t.add(op("HeadObject", "HEAD", Level.OBJECT, S3Operation.HEAD_OBJECT, Operation.READ)
                .params(VERSION)
                .params(RESPONSE_OVERRIDES)
                .params(Map.of("partNumber", PART_NUMBER))
                .build());
        t.add(op("PutObject", "PUT", Level.OBJECT, S3Operation.PUT_OBJECT, Operation.WRITE)
                .copySource(CopySourceHeader.ABSENT)
                .build());
        t.add(op("CopyObject", "PUT", Level.OBJECT, S3Operation.COPY_OBJECT, Operation.WRITE)
                .copySource(CopySourceHeader.PRESENT)
                .build());
        t.add(op("DeleteObject", "DELETE", Level.OBJECT, S3Operation.DELETE_OBJECT, Operation.DELETE)
                .params(VERSION)
                .build());
        t.add(op("SelectObjectContent", "POST", Level.OBJECT, S3Operation.SELECT_OBJECT_CONTENT, Operation.READ)
                .sub("select")
                .required("select-type", TWO)
                .build());
        t.add(op("RestoreObject", "POST", Level.OBJECT, S3Operation.OTHER, Operation.WRITE)
                .sub("restore")
                .params(VERSION)
                .build());
        t.add(op("GetObjectAttributes", "GET", Level.OBJECT, S3Operation.OTHER, Operation.READ)
                .sub("attributes")
                .params(VERSION)
                .build());
        t.add(op("GetObjectTorrent", "GET", Level.OBJECT, S3Operation.OTHER, Operation.READ)
                .sub("torrent")
                .build());

        // objects: metadata sub-resources
        objectSubResource(t, "acl", "ObjectAcl", false);
        objectSubResource(t, "tagging", "ObjectTagging", true);
        objectSubResource(t, "retention", "ObjectRetention", false);
        objectSubResource(t, "legal-hold", "ObjectLegalHold", false);

        // objects: multipart uploads
        t.add(op("CreateMultipartUpload", "POST", Level.OBJECT, S3Operation.CREATE_MULTIPART_UPLOAD, Operation.WRITE)
                .sub("uploads")
                .build());
        t.add(op("UploadPart", "PUT", Level.OBJECT, S3Operation.UPLOAD_PART, Operation.WRITE)
                .sub("uploadId", NON_EMPTY)
                .required("partNumber", PART_NUMBER)
                .copySource(CopySourceHeader.ABSENT)
                .build());
        t.add(op("UploadPartCopy", "PUT", Level.OBJECT, S3Operation.UPLOAD_PART_COPY, Operation.WRITE)
                .sub("uploadId", NON_EMPTY)
                .required("partNumber", PART_NUMBER)
                .copySource(CopySourceHeader.PRESENT)
                .build());
        t.add(op(
                        "CompleteMultipartUpload",
                        "POST",
                        Level.OBJECT,
                        S3Operation.COMPLETE_MULTIPART_UPLOAD,
                        Operation.WRITE)
                .sub("uploadId", NON_EMPTY)
                .build());
        t.add(op("AbortMultipartUpload", "DELETE", Level.OBJECT, S3Operation.ABORT_MULTIPART_UPLOAD, Operation.WRITE)
                .sub("uploadId", NON_EMPTY)
                .build());
        t.add(op("ListParts", "GET", Level.OBJECT, S3Operation.LIST_PARTS, Operation.WRITE)
                .sub("uploadId", NON_EMPTY)
                .params(Map.of("max-parts", NON_NEGATIVE_INTEGER, "part-number-marker", NON_NEGATIVE_INTEGER))
                .build());

        // buckets: contents
        Map<String, ParameterRule> listing = Map.of(
                "prefix", TEXT, "delimiter", TEXT, "max-keys", NON_NEGATIVE_INTEGER, "encoding-type", URL_ENCODING);
        t.add(op("ListObjects", "GET", Level.BUCKET, S3Operation.LIST_OBJECTS, Operation.LIST)
                .params(listing)
                .params(Map.of("marker", TEXT))
                .build());
        t.add(op("ListObjectsV2", "GET", Level.BUCKET, S3Operation.LIST_OBJECTS, Operation.LIST)
                .sub("list-type", TWO)
                .params(listing)
                .params(Map.of("start-after", TEXT, "continuation-token", TEXT, "fetch-owner", BOOLEAN))
                .build());
        t.add(op("ListObjectVersions", "GET", Level.BUCKET, S3Operation.LIST_OBJECT_VERSIONS, Operation.LIST)
                .sub("versions")
                .params(listing)
                .params(Map.of("key-marker", TEXT, "version-id-marker", TEXT))
                .build());
        t.add(op("ListMultipartUploads", "GET", Level.BUCKET, S3Operation.OTHER, Operation.LIST)
                .sub("uploads")
                .params(Map.of(
                        "prefix",
                        TEXT,
                        "delimiter",
                        TEXT,
                        "max-uploads",
                        NON_NEGATIVE_INTEGER,
                        "encoding-type",
                        URL_ENCODING,
                        "key-marker",
                        TEXT,
                        "upload-id-marker",
                        TEXT))
                .build());
        t.add(op("DeleteObjects", "POST", Level.BUCKET, S3Operation.DELETE_OBJECTS, Operation.DELETE)
                .sub("delete")
                .build());
        t.add(op("PostObject", "POST", Level.BUCKET, S3Operation.POST_OBJECT, Operation.WRITE)
                .build());

        // buckets: the bucket itself
        t.add(op("CreateBucket", "PUT", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .build());
        t.add(op("DeleteBucket", "DELETE", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .build());
        t.add(op("HeadBucket", "HEAD", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .build());
        t.add(op("GetBucketLocation", "GET", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub("location")
                .build());
        t.add(op("GetBucketPolicyStatus", "GET", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub("policyStatus")
                .build());

        // buckets: configuration; GET and PUT, and DELETE where S3 has one
        bucketConfiguration(t, "acl", "BucketAcl", false);
        bucketConfiguration(t, "policy", "BucketPolicy", true);
        bucketConfiguration(t, "cors", "BucketCors", true);
        bucketConfiguration(t, "lifecycle", "BucketLifecycleConfiguration", true);
        bucketConfiguration(t, "versioning", "BucketVersioning", false);
        bucketConfiguration(t, "website", "BucketWebsite", true);
        bucketConfiguration(t, "logging", "BucketLogging", false);
        bucketConfiguration(t, "notification", "BucketNotificationConfiguration", false);
        bucketConfiguration(t, "replication", "BucketReplication", true);
        bucketConfiguration(t, "encryption", "BucketEncryption", true);
        bucketConfiguration(t, "object-lock", "ObjectLockConfiguration", false);
        bucketConfiguration(t, "ownershipControls", "BucketOwnershipControls", true);
        bucketConfiguration(t, "publicAccessBlock", "PublicAccessBlock", true);
        bucketConfiguration(t, "requestPayment", "BucketRequestPayment", false);
        bucketConfiguration(t, "accelerate", "BucketAccelerateConfiguration", false);
        bucketConfiguration(t, "tagging", "BucketTagging", true);

        // buckets: configurations kept by id, with a listing of them
        idConfigurations(t, "analytics", "BucketAnalyticsConfiguration");
        idConfigurations(t, "inventory", "BucketInventoryConfiguration");
        idConfigurations(t, "metrics", "BucketMetricsConfiguration");
        idConfigurations(t, "intelligent-tiering", "BucketIntelligentTieringConfiguration");
        return List.copyOf(t);
    }

    /** Get / Put (and Delete) of an object sub-resource: read, write, delete of that object. */
    private static void objectSubResource(List<S3ApiOperation> t, String name, String suffix, boolean deletable) {
        t.add(op("Get" + suffix, "GET", Level.OBJECT, S3Operation.OTHER, Operation.READ)
                .sub(name)
                .params(VERSION)
                .build());
        t.add(op("Put" + suffix, "PUT", Level.OBJECT, S3Operation.OTHER, Operation.WRITE)
                .sub(name)
                .params(VERSION)
                .build());
        if (deletable) {
            t.add(op("Delete" + suffix, "DELETE", Level.OBJECT, S3Operation.OTHER, Operation.DELETE)
                    .sub(name)
                    .params(VERSION)
                    .build());
        }
    }

    private static void bucketConfiguration(List<S3ApiOperation> t, String name, String suffix, boolean deletable) {
        t.add(op("Get" + suffix, "GET", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub(name)
                .build());
        t.add(op("Put" + suffix, "PUT", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub(name)
                .build());
        if (deletable) {
            t.add(op("Delete" + suffix, "DELETE", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                    .sub(name)
                    .build());
        }
    }

    private static void idConfigurations(List<S3ApiOperation> t, String name, String suffix) {
        t.add(op("Get" + suffix, "GET", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub(name)
                .required("id", NON_EMPTY)
                .build());
        t.add(op("Put" + suffix, "PUT", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub(name)
                .required("id", NON_EMPTY)
                .build());
        t.add(op("Delete" + suffix, "DELETE", Level.BUCKET, S3Operation.OTHER, Operation.OTHER)
                .sub(name)
                .required("id", NON_EMPTY)
                .build());
        t.add(op(
                        "List" + suffix.replace("Configuration", "Configurations"),
                        "GET",
                        Level.BUCKET,
                        S3Operation.OTHER,
                        Operation.OTHER)
                .sub(name)
                .params(CONTINUATION)
                .build());
    }

    private static S3ApiOperation.Builder op(
            String name, String method, Level level, S3Operation family, Operation policyOperation) {
        return new S3ApiOperation.Builder(name, method, level, family, policyOperation);
    }
}
