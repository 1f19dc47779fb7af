package dev.s3seal.web.multipart;

import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.exchange.SmallExchanges;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A server-side copy of a sealed multipart object that keeps its part boundaries
 * (CreateMultipartUpload with the given headers, one UploadPartCopy per part with its exact byte
 * range pinned to the source's ETag, CompleteMultipartUpload), so the copy's ETag keeps its
 * {@code -N}, which plaintext sizes in listings depend on. No byte passes through s3seal. Used for
 * the seal of a completed upload (a self-copy) and for CopyObject of a multipart object. A failed
 * copy is aborted.
 */
public final class LayoutPreservingCopy {

    private static final Logger log = LoggerFactory.getLogger(LayoutPreservingCopy.class);
    private static final int COPY_CONCURRENCY = 4;

    private final SmallExchanges small;

    public LayoutPreservingCopy(SmallExchanges small) {
        this.small = small;
    }

    /**
     * @param source an upstream {@code x-amz-copy-source} value
     * @param customerKey the client's SSE-C headers for a self-copy of an SSE-C object (the seal): they go on the
     *                    create, on every part (as the destination's and the copy source's key) and on the completion
     * @param completeConditions headers of the destination's CompleteMultipartUpload (If-Match pins a self-copy)
     * @return the destination's CompleteMultipartUpload answer
     */
    public Mono<SmallExchanges.Answer> copy(
            String source,
            String sourceEtag,
            MultipartLayout layout,
            String bucket,
            String key,
            Map<String, List<String>> headers,
            Map<String, List<String>> customerKey,
            Map<String, List<String>> completeConditions,
            DataBufferFactory factory) {
        Map<String, List<String>> createHeaders = new LinkedHashMap<>(headers);
        createHeaders.putAll(CustomerKeyHeaders.carried(customerKey));
        UpstreamRequest create = SmallExchanges.request(
                "POST", bucket, key, QueryParameters.empty().with("uploads", null), createHeaders, null);
        return small.call(create, null, factory).flatMap(created -> {
            if (created.isErrorDocument()) {
                return Mono.error(failure("create", created));
            }
            String uploadId = MultipartXml.parse(created.body()).field("UploadId");
            return copyParts(source, sourceEtag, bucket, key, uploadId, layout, customerKey, factory)
                    .flatMap(parts -> complete(bucket, key, uploadId, parts, customerKey, completeConditions, factory))
                    .onErrorResume(
                            error -> abort(bucket, key, uploadId, factory).then(Mono.error(error)));
        });
    }

    private Mono<List<MultipartXml.Part>> copyParts(
            String source,
            String etag,
            String bucket,
            String key,
            String uploadId,
            MultipartLayout layout,
            Map<String, List<String>> customerKey,
            DataBufferFactory factory) {
        int n = layout.manifest().partCount();
        return Flux.range(1, n)
                .flatMapSequential(
                        k -> {
                            long first = layout.partCiphertextOffset(k);
                            long last = (k == n ? layout.ciphertextLength() : layout.partCiphertextOffset(k + 1)) - 1;
                            Map<String, List<String>> headers =
                                    new LinkedHashMap<>(CustomerKeyHeaders.carriedForSelfCopy(customerKey));
                            headers.put("x-amz-copy-source", List.of(source));
                            headers.put("x-amz-copy-source-range", List.of("bytes=" + first + "-" + last));
                            headers.put("x-amz-copy-source-if-match", List.of(etag));
                            QueryParameters query = QueryParameters.empty()
                                    .with("partNumber", Integer.toString(k))
                                    .with("uploadId", uploadId);
                            return small.call(
                                            SmallExchanges.request("PUT", bucket, key, query, headers, null),
                                            null,
                                            factory)
                                    .map(answer -> {
                                        if (answer.isErrorDocument()) {
                                            throw failure("copy part " + k, answer);
                                        }
                                        String partEtag = MultipartXml.parse(answer.body())
                                                .field("ETag");
                                        if (partEtag == null) {
                                            throw failure("copy part " + k, answer);
                                        }
                                        return new MultipartXml.Part(k, partEtag, -1);
                                    });
                        },
                        COPY_CONCURRENCY)
                .collectList();
    }

    private Mono<SmallExchanges.Answer> complete(
            String bucket,
            String key,
            String uploadId,
            List<MultipartXml.Part> parts,
            Map<String, List<String>> customerKey,
            Map<String, List<String>> conditions,
            DataBufferFactory factory) {
        byte[] body = MultipartXml.completeBody(parts);
        Map<String, List<String>> headers = new LinkedHashMap<>(CustomerKeyHeaders.carried(customerKey));
        headers.putAll(conditions);
        headers.put("content-type", List.of("application/xml"));
        return small.call(
                        SmallExchanges.request(
                                "POST", bucket, key, QueryParameters.empty().with("uploadId", uploadId), headers, body),
                        body,
                        factory)
                .map(answer -> {
                    if (answer.isErrorDocument()) {
                        throw failure("complete", answer);
                    }
                    return answer;
                });
    }

    private Mono<Void> abort(String bucket, String key, String uploadId, DataBufferFactory factory) {
        return small.call(
                        new UpstreamRequest(
                                "DELETE",
                                bucket,
                                key,
                                QueryParameters.empty().with("uploadId", uploadId),
                                Map.of(),
                                -1),
                        null,
                        factory)
                .then()
                .onErrorResume(error -> Mono.empty());
    }

    private static S3Exception failure(String step, SmallExchanges.Answer answer) {
        log.warn(
                "layout-preserving copy failed at {}: upstream {} {}",
                step,
                answer.response().status(),
                new String(answer.body(), 0, Math.min(answer.body().length, 300), StandardCharsets.UTF_8));
        if (answer.response().status() == 412) {
            return sourceChanged();
        }
        // the upstream's own refusal (AccessDenied, NoSuchBucket, SlowDown, ...) is what the client hears
        String code;
        try {
            code = MultipartXml.parse(answer.body()).field("Code");
        } catch (IllegalArgumentException unreadable) {
            code = null;
        }
        return S3ErrorCode.fromCode(code)
                .map(S3Exception::new)
                .orElseGet(() -> answer.response().status() == 503
                        ? new S3Exception(S3ErrorCode.SLOW_DOWN)
                        : new S3Exception(S3ErrorCode.INTERNAL_ERROR));
    }

    /** The copy source changed between two upstream requests of one copy: the client retries. */
    public static S3Exception sourceChanged() {
        return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The copy source changed while it was copied; retry.");
    }
}
