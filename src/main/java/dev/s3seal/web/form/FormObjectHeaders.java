package dev.s3seal.web.form;

import dev.s3seal.auth.post.PostForm;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.upstream.HeaderSyntax;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request headers of the PutObject a form upload becomes: the form fields S3 applies to the
 * object (Content-Type and the other representation headers, {@code x-amz-meta-*}, the canned ACL,
 * storage class, website redirect, server-side encryption, object lock) under their header names,
 * and the file's length. Nothing else of the form travels: the policy, the signature and the
 * credential stay here, and fields S3 does not apply to objects are not headers of the write.
 */
final class FormObjectHeaders {

    private static final Set<String> OBJECT_FIELDS = Set.of(
            "cache-control",
            "content-type",
            "content-disposition",
            "content-encoding",
            "content-language",
            "expires",
            "x-amz-storage-class",
            "x-amz-website-redirect-location",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-context",
            "x-amz-server-side-encryption-bucket-key-enabled",
            "x-amz-server-side-encryption-customer-algorithm",
            "x-amz-server-side-encryption-customer-key",
            "x-amz-server-side-encryption-customer-key-md5",
            "x-amz-object-lock-mode",
            "x-amz-object-lock-retain-until-date",
            "x-amz-object-lock-legal-hold");

    private FormObjectHeaders() {}

    static Map<String, List<String>> of(PostForm form, long fileLength) {
        if (form.has("tagging")) {
            // a form carries tags as a Tagging XML document; s3seal does not translate it into x-amz-tagging
            throw new S3Exception(
                    S3ErrorCode.NOT_IMPLEMENTED, "s3seal does not apply the tagging field of a form upload.");
        }
        if (form.fields().keySet().stream().anyMatch(name -> name.startsWith("x-amz-checksum-"))) {
            // a checksum field asks S3 to verify the file; ignoring it would store what was never checked
            throw new S3Exception(
                    S3ErrorCode.NOT_IMPLEMENTED, "s3seal does not verify the checksum fields of a form upload.");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        form.fields().forEach((name, value) -> {
            if (OBJECT_FIELDS.contains(name) || name.startsWith("x-amz-meta-")) {
                headers.put(checkedName(name), List.of(checkedValue(name, value)));
            } else if (name.equals("acl")) {
                headers.put("x-amz-acl", List.of(checkedValue(name, value)));
            }
        });
        headers.put("content-length", List.of(Long.toString(fileLength)));
        return headers;
    }

    /**
     * A form field's name and value are any text, a header's are not: a CR or LF would end the header
     * line of the upstream write and add headers (or a request) no one signed or decided on.
     */
    private static String checkedName(String name) {
        if (!HeaderSyntax.isName(name)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT, "A form field that becomes a header has a name HTTP does not allow.");
        }
        return name;
    }

    private static String checkedValue(String name, String value) {
        if (!HeaderSyntax.isValue(value)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "The value of the form field " + name + " holds a character HTTP does not allow in a header.");
        }
        return value;
    }
}
