package dev.s3seal.cli.files;

import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An object's metadata as a JSON file, the way people get it out of a bucket and put it back:
 * <ul>
 *   <li>the output of {@code aws s3api head-object} (or get-object): the user metadata under
 *       {@code "Metadata"}, plus {@code "ETag"} and {@code "ContentLength"}, which are checked when present;</li>
 *   <li>a plain {@code {"name": "value"}} map, what {@code aws s3api put-object --metadata file://...} takes.</li>
 * </ul>
 * Names may carry the {@code x-amz-meta-} prefix or not, in any case.
 *
 * @param userMetadata  names lower case, without {@code x-amz-meta-}
 * @param etag          the stored object's ETag, or null
 * @param contentLength the stored object's length, when the file says it
 */
public record ObjectMetadataFile(Map<String, String> userMetadata, String etag, OptionalLong contentLength) {

    private static final String USER_PREFIX = "x-amz-meta-";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads {@code file}; an unreadable file or another JSON shape is a usage error (exit 2). */
    public static ObjectMetadataFile read(Path file) {
        JsonNode root;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (java.io.IOException e) {
            throw CommandFailure.configuration(
                    "cannot read metadata file " + file + ": " + e.getClass().getSimpleName());
        } catch (JacksonException e) {
            throw CommandFailure.configuration("metadata file " + file + " is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw CommandFailure.configuration("metadata file " + file + " must hold a JSON object");
        }
        JsonNode metadata = root.get("Metadata");
        if (metadata != null) {
            if (!metadata.isObject()) {
                throw CommandFailure.configuration("\"Metadata\" in " + file + " must be a JSON object");
            }
            JsonNode etag = root.get("ETag");
            JsonNode length = root.get("ContentLength");
            return new ObjectMetadataFile(
                    entries(metadata, file),
                    etag == null ? null : etag.asString(),
                    length != null && length.canConvertToLong()
                            ? OptionalLong.of(length.asLong())
                            : OptionalLong.empty());
        }
        return new ObjectMetadataFile(entries(root, file), null, OptionalLong.empty());
    }

    private static Map<String, String> entries(JsonNode object, Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!e.getValue().isString()) {
                throw CommandFailure.configuration("metadata entry \"" + e.getKey() + "\" in " + file
                        + " is not a string (expected the output of aws s3api head-object, or {\"name\": \"value\"})");
            }
            String name = e.getKey().toLowerCase(Locale.ROOT);
            out.put(
                    name.startsWith(USER_PREFIX) ? name.substring(USER_PREFIX.length()) : name,
                    e.getValue().asString());
        }
        return out;
    }

    /** Writes {@code userMetadata} as a plain map, ready for {@code aws s3api put-object --metadata file://...}. */
    public static void write(Map<String, String> userMetadata, Path file) throws java.io.IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(userMetadata) + "\n");
    }

    /** True when the object carries s3seal's envelope entries ({@code s3seal-*}). */
    boolean isS3seal() {
        return userMetadata.keySet().stream().anyMatch(name -> EnvelopeMetadata.isReserved(USER_PREFIX + name));
    }

    /** True when the object carries the AWS S3 Encryption Client's entries. */
    boolean isS3ec() {
        return S3ecMetadata.looksEncrypted(userMetadata);
    }

    /** s3seal's envelope; {@link IllegalArgumentException} when it is damaged. */
    EnvelopeMetadata envelope() {
        Map<String, String> headers = new LinkedHashMap<>();
        userMetadata.forEach((name, value) -> headers.put(USER_PREFIX + name, value));
        return EnvelopeMetadata.fromHeaders(headers);
    }

    /** The S3 Encryption Client's envelope; {@code S3ecException} when it is damaged or unsupported. */
    S3ecMetadata s3ec() {
        return S3ecMetadata.fromUserMetadata(userMetadata);
    }
}
