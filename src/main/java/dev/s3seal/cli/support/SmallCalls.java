package dev.s3seal.cli.support;

import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Upstream requests whose answers are small (HEAD, GET ?tagging, multipart XML, errors): the answer body is read
 * whole, up to a hard cap, and released. Object bodies never go through here.
 */
public final class SmallCalls {

    /** An answer: status, headers, and its (small) body. */
    public record Answer(UpstreamResponse response, byte[] body) {

        public int status() {
            return response.status();
        }

        public boolean isSuccess() {
            return response.isSuccess();
        }

        /** The S3 error code of an error document, or "" when it has none. */
        public String errorCode() {
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            int start = text.indexOf("<Code>");
            int end = text.indexOf("</Code>");
            return start >= 0 && end > start ? text.substring(start + 6, end) : "";
        }
    }

    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final UpstreamClient upstream;

    public SmallCalls(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    public Mono<Answer> call(UpstreamRequest request, Flux<DataBuffer> body) {
        return upstream.exchange(
                        request,
                        body,
                        (response, answer) -> DataBufferUtils.join(answer, MAX_ANSWER_BYTES)
                                .map(SmallCalls::bytes)
                                .defaultIfEmpty(new byte[0])
                                .map(bytes -> new Answer(response, bytes)))
                .next();
    }

    public Mono<Answer> call(UpstreamRequest request) {
        return call(request, Flux.empty());
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] out = new byte[buffer.readableByteCount()];
            buffer.read(out);
            return out;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
