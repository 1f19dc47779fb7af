package dev.s3seal.cli.support;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Upstream requests of the bucket tools whose answers are small (HEAD, CopyObject, the steps of a multipart copy,
 * GET ?tagging): the answer is read whole under a cap, its buffers released.
 */
public final class UpstreamCalls {

    /** S3's XML answers to these requests are a few KiB at most. */
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    /** An answer and its whole (small) body. */
    public record Answer(UpstreamResponse response, byte[] body) {

        /** An error status, or the 200 with an Error document S3 may send for a copy or a completion. */
        public boolean failed() {
            if (!response.isSuccess()) {
                return true;
            }
            String head = new String(body, 0, Math.min(body.length, 256), StandardCharsets.UTF_8);
            return head.contains("<Error>");
        }

        /** The S3 error code of a failed answer, or its status when the body names none. */
        public String error() {
            String text = new String(body, StandardCharsets.UTF_8);
            int start = text.indexOf("<Code>");
            int end = text.indexOf("</Code>");
            String code = start >= 0 && end > start ? text.substring(start + 6, end) : "";
            return response.status() + (code.isEmpty() ? "" : " " + code);
        }

        /** The text of the first {@code <name>} element of the body, or null. */
        public String field(String name) {
            String text = new String(body, StandardCharsets.UTF_8);
            int start = text.indexOf("<" + name + ">");
            int end = text.indexOf("</" + name + ">", start + 1);
            return start >= 0 && end > start ? text.substring(start + name.length() + 2, end) : null;
        }
    }

    private final UpstreamClient upstream;

    public UpstreamCalls(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    public Mono<Answer> call(
            String method,
            String bucket,
            String key,
            QueryParameters query,
            Map<String, List<String>> headers,
            byte[] body) {
        long length = body == null ? ("HEAD".equals(method) || "GET".equals(method) ? -1 : 0) : body.length;
        UpstreamRequest request = new UpstreamRequest(method, bucket, key, query, headers, length);
        Flux<DataBuffer> content = body == null || body.length == 0
                ? Flux.empty()
                : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
        return upstream.exchange(
                        request,
                        content,
                        (response, responseBody) -> Buffers.readBytes(responseBody, MAX_ANSWER_BYTES)
                                .map(bytes -> new Answer(response, bytes)))
                .next();
    }
}
