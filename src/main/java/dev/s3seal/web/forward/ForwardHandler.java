package dev.s3seal.web.forward;

import dev.s3seal.s3.CopySourceRange;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.exchange.UpstreamAnswers;
import dev.s3seal.web.exchange.VerifiedBody;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Forwards a request unchanged but for authentication and its query, which is the recognised
 * operation's canonical one (s3seal's table): the verified, de-framed body streams to the upstream and
 * the upstream's response streams back. Used for every operation s3seal does not
 * transform (bucket operations, listings, tagging, ACLs, ...).
 *
 * <p>The request body's last piece is held back until the client's signature and checksums are
 * verified, so a body that fails verification never completes upstream and never becomes an object.
 */
public final class ForwardHandler implements S3OperationHandler {

    private final UpstreamClient upstream;

    public ForwardHandler(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        return handle(exchange, exchange.request().headers());
    }

    /** Forwards with {@code headers} in place of the client's (a handler may add to them). */
    public Mono<Void> handle(ProxyExchange exchange, Map<String, List<String>> headers) {
        S3Request request = exchange.request();
        VerifiedBody body = VerifiedBody.of(exchange);
        UpstreamRequest upstreamRequest = new UpstreamRequest(
                request.method(),
                request.bucket(),
                request.key(),
                request.query(),
                withCopySource(exchange, ForwardedHeaders.toUpstream(headers, body.declaresTrailerChecksum())),
                body.length());
        if (body.length() == 0) {
            // Nothing to hold back in an empty body: verify it completely before anything goes upstream.
            return Buffers.releaseAll(body.content())
                    .then(Mono.defer(() -> send(exchange, upstreamRequest, Flux.empty())));
        }
        return send(upstream, exchange, upstreamRequest, body.content());
    }

    /**
     * A copy's source as the gateway parsed and authorized it, re-encoded; its range (UploadPartCopy
     * only: CopyObject has none) in canonical form. The client's spellings never go upstream.
     */
    private static Map<String, List<String>> withCopySource(ProxyExchange exchange, Map<String, List<String>> headers) {
        if (exchange.copySource() == null) {
            return headers;
        }
        Map<String, List<String>> out = new LinkedHashMap<>(headers);
        out.put("x-amz-copy-source", List.of(exchange.copySource().toHeaderValue()));
        if (exchange.operation() == S3Operation.UPLOAD_PART_COPY) {
            CopySourceRange range = CopySourceRange.parse(exchange.request().header("x-amz-copy-source-range"));
            if (range != null) {
                out.put("x-amz-copy-source-range", List.of(range.toHeaderValue()));
            }
        }
        return out;
    }

    private Mono<Void> send(ProxyExchange exchange, UpstreamRequest upstreamRequest, Flux<DataBuffer> body) {
        return send(upstream, exchange, upstreamRequest, body);
    }

    /** Streams {@code body} upstream and the response back; a body failure is what the client hears. */
    public static Mono<Void> send(
            UpstreamClient upstream, ProxyExchange exchange, UpstreamRequest upstreamRequest, Flux<DataBuffer> body) {
        return send(upstream, exchange, upstreamRequest, body, headers -> {});
    }

    /** As {@link #send(UpstreamClient, ProxyExchange, UpstreamRequest, Flux)}, adjusting the client's response headers. */
    public static Mono<Void> send(
            UpstreamClient upstream,
            ProxyExchange exchange,
            UpstreamRequest upstreamRequest,
            Flux<DataBuffer> body,
            java.util.function.Consumer<org.springframework.http.HttpHeaders> responseHeaders) {
        AtomicReference<Throwable> bodyFailure = new AtomicReference<>();
        Flux<DataBuffer> watchedBody = body.doOnError(bodyFailure::set);
        return upstream.exchange(upstreamRequest, watchedBody, (response, responseBody) -> {
                    Mono<Void> write = UpstreamAnswers.relay(exchange, response, responseBody);
                    responseHeaders.accept(exchange.exchange().getResponse().getHeaders());
                    return write;
                })
                .then()
                // The upstream sees a body failure as a broken request; the client must hear why.
                .onErrorMap(error -> bodyFailure.get() != null ? bodyFailure.get() : error);
    }
}
