package dev.s3seal.web.form;

import dev.s3seal.auth.post.PostForm;
import dev.s3seal.s3.PercentCoding;
import dev.s3seal.s3.xml.Xml;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * How S3 answers a stored form upload: {@code 303 See Other} to {@code success_action_redirect}
 * (with {@code bucket}, {@code key} and {@code etag} added to its query) when that is an absolute
 * URL; otherwise {@code success_action_status}: {@code 200} or {@code 204} with no body,
 * {@code 201} with a {@code PostResponse} document; {@code 204} when the field is absent or names
 * another status. Pure.
 *
 * @param location the stored object's URL, as the {@code Location} header and element say
 */
record PostObjectAnswer(int status, URI redirect, String bucket, String key, String location) {

    static PostObjectAnswer of(PostForm form, String bucket, String key, String location) {
        String redirect = form.value("success_action_redirect");
        if (redirect == null) {
            redirect = form.value("redirect"); // the field's older name, still honoured by S3
        }
        return new PostObjectAnswer(
                status(form.value("success_action_status")), redirectUri(redirect), bucket, key, location);
    }

    private static int status(String field) {
        if (field == null) {
            return 204;
        }
        return switch (field.strip()) {
            case "200" -> 200;
            case "201" -> 201;
            default -> 204;
        };
    }

    private static URI redirectUri(String field) {
        if (field == null || field.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(field.strip());
            return uri.isAbsolute() && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The redirect target for an object stored with {@code etag}. */
    URI redirectTo(String etag) {
        String target = redirect.toString();
        String query = "bucket=" + PercentCoding.encode(bucket, false)
                + "&key=" + PercentCoding.encode(key, false)
                + "&etag=" + PercentCoding.encode(etag == null ? "" : etag, false);
        int fragment = target.indexOf('#');
        String base = fragment < 0 ? target : target.substring(0, fragment);
        String tail = fragment < 0 ? "" : target.substring(fragment);
        return URI.create(base + (base.contains("?") ? "&" : "?") + query + tail);
    }

    /** The {@code 201} body. */
    byte[] postResponse(String etag) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse>"
                + "<Location>" + Xml.escape(location) + "</Location>"
                + "<Bucket>" + Xml.escape(bucket) + "</Bucket>"
                + "<Key>" + Xml.escape(key) + "</Key>"
                + "<ETag>" + Xml.escape(etag == null ? "" : etag) + "</ETag>"
                + "</PostResponse>";
        return xml.getBytes(StandardCharsets.UTF_8);
    }
}
