package dev.s3seal.s3.xml;

import dev.s3seal.s3.S3ErrorCode;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Renders the {@code <Error>} document S3 sends with every error response. */
public final class S3ErrorDocument {

    private S3ErrorDocument() {}

    public static byte[] render(
            S3ErrorCode code, @Nullable String message, @Nullable String resource, String requestId) {
        StringBuilder xml = new StringBuilder(256)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>")
                .append(Xml.escape(code.code()))
                .append("</Code><Message>")
                .append(Xml.escape(message == null ? code.defaultMessage() : message))
                .append("</Message>");
        if (resource != null) {
            xml.append("<Resource>").append(Xml.escape(resource)).append("</Resource>");
        }
        xml.append("<RequestId>").append(Xml.escape(requestId)).append("</RequestId></Error>");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }
}
