package dev.s3seal.web.exchange;

import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamResponse;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Upstream answers the client receives as they are: status, the headers S3 clients see, and the body. */
public final class UpstreamAnswers {

    private UpstreamAnswers() {}

    /** Writes the upstream's status, forwardable headers and body to the client. */
    public static Mono<Void> relay(
            ProxyExchange exchange, UpstreamResponse upstreamResponse, Flux<DataBuffer> responseBody) {
        ServerHttpResponse response = exchange.exchange().getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(upstreamResponse.status()));
        ForwardedHeaders.copyToClient(upstreamResponse.headers(), response.getHeaders());
        return response.writeWith(responseBody);
    }
}
