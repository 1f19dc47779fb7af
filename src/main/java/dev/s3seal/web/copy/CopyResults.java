package dev.s3seal.web.copy;

import dev.s3seal.s3.xml.Xml;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.exchange.SmallExchanges;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * The answers s3seal writes itself for a copy: S3's {@code CopyObjectResult} / {@code CopyPartResult}
 * with the ETag the client sees, and the response headers S3 sends with them.
 */
final class CopyResults {

    /** Upstream response headers that still describe the copy s3seal made. */
    private static final List<String> KEPT = List.of(
            "x-amz-version-id",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-bucket-key-enabled");

    private CopyResults() {}

    /**
     * @param upstream     the response of the request that stored the destination (headers kept: version, SSE)
     * @param lastModified the destination's Last-Modified (ISO 8601), or null for now
     */
    static SmallExchanges.Answer object(
            CopySourceObject source, UpstreamResponse upstream, String etag, String lastModified) {
        return answer("CopyObjectResult", source, upstream, etag, lastModified);
    }

    static SmallExchanges.Answer part(CopySourceObject source, UpstreamResponse upstream, String etag) {
        return answer("CopyPartResult", source, upstream, etag, null);
    }

    private static SmallExchanges.Answer answer(
            String root, CopySourceObject source, UpstreamResponse upstream, String etag, String lastModified) {
        HttpHeaders headers = new HttpHeaders();
        for (String name : KEPT) {
            String value = upstream.headers().getFirst(name);
            if (value != null) {
                headers.set(name, value);
            }
        }
        String sourceVersion = source.stored().getFirst("x-amz-version-id");
        if (sourceVersion != null) {
            headers.set("x-amz-copy-source-version-id", sourceVersion);
        }
        headers.set("Content-Type", "application/xml");
        String modified = lastModified != null ? lastModified : isoNow();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LastModified>" + Xml.escape(modified)
                + "</LastModified><ETag>" + Xml.escape(etag) + "</ETag></" + root + ">";
        return new SmallExchanges.Answer(new UpstreamResponse(200, headers), xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String isoNow() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }
}
