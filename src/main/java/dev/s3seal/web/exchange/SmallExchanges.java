package dev.s3seal.web.exchange;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Upstream requests whose answers are small XML documents, read whole with a cap. */
public final class SmallExchanges {

    /** Cap on the upstream's small documents (initiate, copy-part, complete results, one ListParts page). */
    public static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    /** An upstream answer with its whole (small) body. */
    public record Answer(UpstreamResponse response, byte[] body) {

        public boolean isSuccess() {
            return response.isSuccess();
        }

        /** S3 may answer CompleteMultipartUpload and UploadPartCopy with 200 and an Error document. */
        public boolean isErrorDocument() {
            if (!response.isSuccess()) {
                return true;
            }
            String head = new String(body, 0, Math.min(body.length, 256), StandardCharsets.UTF_8);
            return head.contains("<Error>");
        }
    }

    private final UpstreamClient upstream;

    public SmallExchanges(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    public UpstreamClient upstream() {
        return upstream;
    }

    public Mono<Answer> call(UpstreamRequest request, byte[] body, DataBufferFactory factory) {
        Flux<DataBuffer> content =
                body == null || body.length == 0 ? Flux.empty() : Flux.defer(() -> Flux.just(factory.wrap(body)));
        return send(request, content, true);
    }

    /**
     * Streams {@code body} upstream and reads the (small) answer whole; when the body itself fails
     * (verification, decryption), that failure is what the caller sees, not the broken upstream request.
     */
    public Mono<Answer> send(UpstreamRequest request, Flux<DataBuffer> body) {
        return send(request, body, false);
    }

    private Mono<Answer> send(UpstreamRequest request, Flux<DataBuffer> body, boolean replayableBody) {
        AtomicReference<Throwable> bodyFailure = new AtomicReference<>();
        return upstream.exchange(
                        request,
                        body.doOnError(bodyFailure::set),
                        replayableBody,
                        (response, responseBody) -> Buffers.readBytes(responseBody, MAX_ANSWER_BYTES)
                                .map(bytes -> new Answer(response, bytes)))
                .next()
                .onErrorMap(
                        DataBufferLimitException.class,
                        e -> new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream answer was too large.", e))
                .onErrorMap(error -> bodyFailure.get() != null ? bodyFailure.get() : error);
    }

    /** A request with an XML body (or none: {@code body == null} sends an empty body). */
    public static UpstreamRequest request(
            String method,
            String bucket,
            String key,
            dev.s3seal.s3.QueryParameters query,
            Map<String, List<String>> headers,
            byte[] body) {
        return new UpstreamRequest(method, bucket, key, query, headers, body == null ? 0 : body.length);
    }

    /** Writes {@code body} with the upstream's status and headers (length set to the body's). */
    public static Mono<Void> write(ProxyExchange exchange, UpstreamResponse upstreamResponse, byte[] body) {
        ServerHttpResponse client = exchange.exchange().getResponse();
        client.setStatusCode(HttpStatusCode.valueOf(upstreamResponse.status()));
        ForwardedHeaders.copyToClient(upstreamResponse.headers(), client.getHeaders());
        client.getHeaders().remove("Content-Length");
        client.getHeaders().setContentLength(body.length);
        return client.writeWith(Mono.fromSupplier(() -> client.bufferFactory().wrap(body)));
    }
}
