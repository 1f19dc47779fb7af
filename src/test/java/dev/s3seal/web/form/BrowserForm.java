package dev.s3seal.web.form;

import dev.s3seal.auth.SigV4Signing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A browser's form upload built by hand: the fields in order, the file last, as a
 * {@code multipart/form-data} body with a WebKit-style boundary; the POST policy signed as the AWS
 * docs say (the base64 policy is the string to sign, HMAC-SHA256 under the SigV4 signing key).
 */
final class BrowserForm {

    static final String REGION = "us-east-1";

    final String boundary = "----WebKitFormBoundary"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final List<String> conditions = new ArrayList<>();
    private final Instant now = Instant.now();
    private Instant expiration = now.plusSeconds(600);

    /** A signed form of {@code accessKey} for {@code bucket}, its key under the policy's {@code keyPrefix}. */
    static BrowserForm signedBy(String accessKey, String bucket, String key, String keyPrefix) {
        BrowserForm form = new BrowserForm();
        String day =
                DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(form.now);
        String date = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(form.now);
        form.field("key", key);
        form.field("x-amz-algorithm", "AWS4-HMAC-SHA256");
        form.field("x-amz-credential", accessKey + "/" + day + "/" + REGION + "/s3/aws4_request");
        form.field("x-amz-date", date);
        form.condition("{\"bucket\": \"" + bucket + "\"}");
        form.condition("[\"starts-with\", \"$key\", \"" + keyPrefix + "\"]");
        form.condition("{\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}");
        form.condition("{\"x-amz-credential\": \"" + form.fields.get("x-amz-credential") + "\"}");
        form.condition("{\"x-amz-date\": \"" + date + "\"}");
        return form;
    }

    /** A form field with a condition that allows exactly its value. */
    BrowserForm allowedField(String name, String value) {
        field(name, value);
        condition("{\"" + name + "\": \"" + value + "\"}");
        return this;
    }

    BrowserForm field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    BrowserForm condition(String json) {
        conditions.add(json);
        return this;
    }

    BrowserForm expiresAt(Instant instant) {
        expiration = instant;
        return this;
    }

    String policy() {
        String json = "{ \"expiration\": \"" + expiration + "\",\n  \"conditions\": [\n    "
                + String.join(",\n    ", conditions) + "\n  ]\n}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The body, the policy signed with {@code secret}; the file named {@code fileName}, last. */
    byte[] body(String secret, String fileName, byte[] file) {
        return body(secret, fileName, file, "");
    }

    /** As {@link #body(String, String, byte[])} with a field after the file, which S3 ignores and s3seal refuses. */
    byte[] bodyWithFieldAfterFile(String secret, String fileName, byte[] file) {
        return body(
                secret,
                fileName,
                file,
                "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"x-ignore-submit\"\r\n\r\nUpload");
    }

    private byte[] body(String secret, String fileName, byte[] file, String afterFile) {
        String policy = policy();
        String credential = fields.get("x-amz-credential");
        String day = credential.split("/")[1];
        byte[] signingKey = SigV4Signing.signingKey(secret, day, REGION, "s3");
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("policy", policy);
        all.put("x-amz-signature", SigV4Signing.signHex(signingKey, policy));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        all.forEach((name, value) -> write(
                out,
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                        + "\r\n"));
        write(
                out,
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        out.writeBytes(file);
        write(out, afterFile + "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
