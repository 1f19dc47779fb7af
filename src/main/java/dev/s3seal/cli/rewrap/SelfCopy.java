package dev.s3seal.cli.rewrap;

import dev.s3seal.cli.support.UpstreamCalls;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.s3.CopiedObjectHeaders;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.QueryParameters;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A server-side copy of an object onto itself that replaces its metadata and nothing else: the body stays on the
 * upstream. A single-part object is one CopyObject (metadata directive REPLACE; tags are copied by S3); a sealed
 * multipart object is CreateMultipartUpload, one UploadPartCopy per original part with exactly its byte range, and
 * CompleteMultipartUpload, so the part layout, the part ETags and the {@code -N} of the ETag stay what the sealed
 * manifest says (docs/format.md 6.3). Either way the copy is pinned to the ETag that was read
 * ({@code x-amz-copy-source-if-match}, and {@code If-Match} on the completion), so an object a client rewrote in the
 * meantime is never replaced by the old one; such a copy fails with {@link Changed}. An upstream write is atomic:
 * the object is either the old one or the new one, never a mix; a failed multipart copy is aborted.
 *
 * <p>The proxy's own layout-preserving copy (for the seal of a completed upload and CopyObject) does the same
 * through the HTTP edge's helpers; this one is the command line's, on {@link UpstreamCalls}.
 */
public final class SelfCopy {

    private static final int PART_COPY_CONCURRENCY = 4;

    /** The object is not the one that was read any more (a client wrote it meanwhile): nothing was changed. */
    public static final class Changed extends RuntimeException {
        Changed() {
            super(
                    "the object changed while it was rewrapped (a client wrote it); it was left as the client wrote it",
                    null,
                    false,
                    false);
        }
    }

    /** The store refused a step of the copy: nothing was changed. */
    static final class Refused extends RuntimeException {
        Refused(String step, UpstreamCalls.Answer answer) {
            super("the store answered " + answer.error() + " to " + step, null, false, false);
        }
    }

    private final UpstreamCalls calls;

    public SelfCopy(UpstreamCalls calls) {
        this.calls = calls;
    }

    /** The headers of the copy: what the HEAD ({@code stored}) shows of the object, with {@code envelope} in place of its envelope. */
    static Map<String, List<String>> headers(HttpHeaders stored, EnvelopeMetadata envelope) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        stored.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (CopiedObjectHeaders.includes(lower) && !EnvelopeMetadata.isReserved(lower)) {
                headers.put(lower, List.copyOf(values));
            }
        });
        envelope.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        return headers;
    }

    /** CopyObject onto itself with the new {@code headers} (REPLACE), pinned to {@code etag}. */
    public Mono<Void> singlePart(String bucket, String key, String etag, Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.put("x-amz-copy-source", List.of(new CopySource(bucket, key).toHeaderValue()));
        copy.put("x-amz-copy-source-if-match", List.of(etag));
        copy.put("x-amz-metadata-directive", List.of("REPLACE"));
        return calls.call("PUT", bucket, key, QueryParameters.empty(), copy, null)
                .flatMap(answer -> answer.failed() ? Mono.error(failure("CopyObject", answer)) : Mono.empty());
    }

    /**
     * The layout-preserving copy of a sealed multipart object onto itself with the new {@code headers}; the tags
     * (which a CreateMultipartUpload does not copy) are read and set again.
     */
    public Mono<Void> multipart(
            String bucket, String key, String etag, MultipartLayout layout, Map<String, List<String>> headers) {
        return tagging(bucket, key)
                .flatMap(tags -> {
                    Map<String, List<String>> create = new LinkedHashMap<>(headers);
                    create.putAll(tags);
                    return calls.call(
                            "POST", bucket, key, QueryParameters.empty().with("uploads", null), create, null);
                })
                .flatMap(created -> {
                    String uploadId = created.failed() ? null : created.field("UploadId");
                    if (uploadId == null) {
                        return Mono.error(failure("CreateMultipartUpload", created));
                    }
                    return copyParts(bucket, key, etag, uploadId, layout)
                            .flatMap(partEtags -> complete(bucket, key, etag, uploadId, partEtags))
                            .onErrorResume(error -> abort(bucket, key, uploadId).then(Mono.error(error)));
                });
    }

    private Mono<List<String>> copyParts(
            String bucket, String key, String etag, String uploadId, MultipartLayout layout) {
        int parts = layout.manifest().partCount();
        String source = new CopySource(bucket, key).toHeaderValue();
        return Flux.range(1, parts)
                .flatMapSequential(
                        part -> {
                            long first = layout.partCiphertextOffset(part);
                            long last =
                                    (part == parts ? layout.ciphertextLength() : layout.partCiphertextOffset(part + 1))
                                            - 1;
                            Map<String, List<String>> headers = new LinkedHashMap<>();
                            headers.put("x-amz-copy-source", List.of(source));
                            headers.put("x-amz-copy-source-range", List.of("bytes=" + first + "-" + last));
                            headers.put("x-amz-copy-source-if-match", List.of(etag));
                            QueryParameters query = QueryParameters.empty()
                                    .with("partNumber", Integer.toString(part))
                                    .with("uploadId", uploadId);
                            return calls.call("PUT", bucket, key, query, headers, null)
                                    .map(answer -> {
                                        String partEtag = answer.failed() ? null : answer.field("ETag");
                                        if (partEtag == null) {
                                            throw failure("UploadPartCopy " + part, answer);
                                        }
                                        return partEtag;
                                    });
                        },
                        PART_COPY_CONCURRENCY)
                .collectList();
    }

    private Mono<Void> complete(String bucket, String key, String etag, String uploadId, List<String> partEtags) {
        StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
        for (int i = 0; i < partEtags.size(); i++) {
            xml.append("<Part><PartNumber>")
                    .append(i + 1)
                    .append("</PartNumber><ETag>")
                    .append(partEtags.get(i).replace("&quot;", "\"").replace("\"", "&quot;"))
                    .append("</ETag></Part>");
        }
        byte[] body = xml.append("</CompleteMultipartUpload>").toString().getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers =
                Map.of("content-type", List.of("application/xml"), "if-match", List.of(etag));
        return calls.call("POST", bucket, key, QueryParameters.empty().with("uploadId", uploadId), headers, body)
                .flatMap(answer ->
                        answer.failed() ? Mono.error(failure("CompleteMultipartUpload", answer)) : Mono.empty());
    }

    private Mono<Void> abort(String bucket, String key, String uploadId) {
        return calls.call("DELETE", bucket, key, QueryParameters.empty().with("uploadId", uploadId), Map.of(), null)
                .then()
                .onErrorResume(error -> Mono.empty());
    }

    /**
     * {@code x-amz-tagging} with the object's tags; none when it has none or the store does not implement tagging
     * (501). Any other refusal fails the copy rather than dropping the tags.
     */
    private Mono<Map<String, List<String>>> tagging(String bucket, String key) {
        return calls.call("GET", bucket, key, QueryParameters.empty().with("tagging", null), Map.of(), null)
                .flatMap(answer -> {
                    if (answer.response().status() == 501) {
                        return Mono.just(Map.<String, List<String>>of());
                    }
                    if (answer.failed()) {
                        return Mono.error(failure("GetObjectTagging", answer));
                    }
                    return Mono.just(taggingHeader(answer.body()));
                });
    }

    /** The {@code x-amz-tagging} header for a GetObjectTagging answer ({@code k=v&...}, percent-encoded). */
    static Map<String, List<String>> taggingHeader(byte[] xml) {
        String text = new String(xml, StandardCharsets.UTF_8);
        List<String> pairs = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf("<Tag>", at)) >= 0) {
            int end = text.indexOf("</Tag>", at);
            if (end < 0) {
                break;
            }
            String tag = text.substring(at, end);
            pairs.add(encode(unescape(between(tag, "Key"))) + "=" + encode(unescape(between(tag, "Value"))));
            at = end;
        }
        return pairs.isEmpty() ? Map.of() : Map.of("x-amz-tagging", List.of(String.join("&", pairs)));
    }

    private static String between(String text, String name) {
        int start = text.indexOf("<" + name + ">");
        int end = text.indexOf("</" + name + ">");
        return start >= 0 && end > start ? text.substring(start + name.length() + 2, end) : "";
    }

    private static String unescape(String xml) {
        return xml.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    /** Percent-encoding for a query-style header: a space is %20, never the form '+' S3 may read literally. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static RuntimeException failure(String step, UpstreamCalls.Answer answer) {
        return answer.response().status() == 412 ? new Changed() : new Refused(step, answer);
    }
}
