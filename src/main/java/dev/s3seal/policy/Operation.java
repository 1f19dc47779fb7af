package dev.s3seal.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The operation classes a rule can be scoped to. Each S3 operation's class is given by
 * {@link dev.s3seal.s3.operations.OperationTable}; an object operation is classed by what it does to that object:
 * <ul>
 * <li>{@link #READ}: GetObject (also with {@code partNumber} or a range), HeadObject,
 *     GetObjectAttributes, SelectObjectContent, GetObjectAcl, GetObjectTagging, GetObjectRetention,
 *     GetObjectLegalHold, GetObjectTorrent; the <em>source</em> of a CopyObject or UploadPartCopy is
 *     checked as a READ of the source bucket and key.</li>
 * <li>{@link #WRITE}: PutObject, PostObject (browser form upload), CopyObject (destination),
 *     CreateMultipartUpload, UploadPart, UploadPartCopy (destination), CompleteMultipartUpload,
 *     AbortMultipartUpload, ListParts (it belongs to an upload in progress), PutObjectAcl,
 *     PutObjectTagging, PutObjectRetention, PutObjectLegalHold, RestoreObject.</li>
 * <li>{@link #DELETE}: DeleteObject, DeleteObjectTagging, and each key of DeleteObjects.</li>
 * <li>{@link #LIST}: ListObjects, ListObjectsV2, ListObjectVersions, ListMultipartUploads. The
 *     listing's {@code prefix} is passed as the key (see {@link PolicyEngine} for how it matches).</li>
 * <li>{@link #OTHER}: bucket operations and bucket configuration (create, delete, head, location,
 *     versioning, lifecycle, CORS...) and ListBuckets; they pass no key.</li>
 * </ul>
 */
public enum Operation {
    READ,
    WRITE,
    DELETE,
    LIST,
    OTHER;

    /** The YAML name: the lower-case constant name. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Operation> fromYaml(String name) {
        return Arrays.stream(values()).filter(o -> o.yamlName().equals(name)).findFirst();
    }
}
