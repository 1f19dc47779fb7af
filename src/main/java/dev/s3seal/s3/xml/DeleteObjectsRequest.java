package dev.s3seal.s3.xml;

import dev.s3seal.s3.ObjectKeyNames;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A DeleteObjects body as S3's schema defines it: {@code Delete} holding an optional
 * {@code Quiet} and 1 to 1000 {@code Object}s, each with exactly one {@code Key} and optional
 * {@code VersionId}, {@code ETag}, {@code LastModifiedTime} and {@code Size}.
 *
 * <p>The policy decides on these keys, so the body is read by {@link StrictXml} (any other form
 * is MalformedXML, as S3 answers a document outside its schema) and the upstream gets
 * {@link #toXml()}, written from this parse, never the client's bytes: an attribute, an unknown
 * element or a second {@code Key} cannot name an object s3seal did not check.
 *
 * @param quiet   null when the client did not say
 * @param objects the objects to delete, in the client's order
 */
public record DeleteObjectsRequest(@Nullable Boolean quiet, List<ObjectIdentifier> objects) {

    /** S3's limit on one request. */
    public static final int MAX_OBJECTS = 1000;

    private static final int MAX_KEY_BYTES = 1024;

    /** One {@code Object}; the optional fields are null when absent, kept as the client wrote them. */
    public record ObjectIdentifier(
            String key,
            @Nullable String versionId,
            @Nullable String etag,
            @Nullable String lastModifiedTime,
            @Nullable String size) {}

    /**
     * @throws S3Exception MalformedXML for anything outside the schema, an empty key or more than
     *                     1000 objects; KeyTooLongError for a key over 1024 bytes of UTF-8; InvalidArgument
     *                     for a key with a {@code .}, {@code ..} or empty segment (refused as in request paths)
     */
    public static DeleteObjectsRequest parse(byte[] xml) {
        StrictXml.Element delete = StrictXml.read(xml, "Delete").allowing("Quiet", "Object");
        List<StrictXml.Element> objects = delete.all("Object");
        if (objects.isEmpty() || objects.size() > MAX_OBJECTS) {
            throw StrictXml.malformed();
        }
        return new DeleteObjectsRequest(
                quiet(delete.optional("Quiet")),
                objects.stream().map(DeleteObjectsRequest::object).toList());
    }

    private static @Nullable Boolean quiet(StrictXml.@Nullable Element quiet) {
        if (quiet == null) {
            return null;
        }
        return switch (quiet.leafText().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw StrictXml.malformed();
        };
    }

    private static ObjectIdentifier object(StrictXml.Element object) {
        object.allowing("Key", "VersionId", "ETag", "LastModifiedTime", "Size");
        String key = object.one("Key").leafText(); // never trimmed: spaces are part of a key
        if (key.isEmpty()) {
            throw StrictXml.malformed();
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3ErrorCode.KEY_TOO_LONG);
        }
        if (ObjectKeyNames.hasAmbiguousSegment(key)) {
            // as in a request path: S3Proxy deletes "x/../archive/k" and "archive//k" as "archive/k"
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, ObjectKeyNames.AMBIGUOUS_SEGMENTS);
        }
        String size = leaf(object, "Size");
        if (size != null && !size.trim().matches("\\d{1,19}")) {
            throw StrictXml.malformed();
        }
        return new ObjectIdentifier(
                key,
                leaf(object, "VersionId"),
                leaf(object, "ETag"),
                leaf(object, "LastModifiedTime"),
                size == null ? null : size.trim());
    }

    private static @Nullable String leaf(StrictXml.Element parent, String name) {
        StrictXml.Element element = parent.optional(name);
        return element == null ? null : element.leafText();
    }

    /** The body for the upstream, in S3's namespace, from this parse alone. */
    public byte[] toXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete xmlns=\"")
                .append(StrictXml.S3_NAMESPACE)
                .append("\">");
        if (quiet != null) {
            xml.append("<Quiet>").append(quiet).append("</Quiet>");
        }
        for (ObjectIdentifier object : objects) {
            xml.append("<Object>");
            element(xml, "Key", object.key());
            element(xml, "VersionId", object.versionId());
            element(xml, "ETag", object.etag());
            element(xml, "LastModifiedTime", object.lastModifiedTime());
            element(xml, "Size", object.size());
            xml.append("</Object>");
        }
        return xml.append("</Delete>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder xml, String name, @Nullable String value) {
        if (value != null) {
            xml.append('<')
                    .append(name)
                    .append('>')
                    .append(StrictXml.text(value))
                    .append("</")
                    .append(name)
                    .append('>');
        }
    }
}
