package dev.s3seal.web.object;

import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.UpstreamAnswers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The last step of a ranged read: the covering ciphertext, pinned to the ETag read first, decrypted into a 206. */
final class SegmentFetch {

    private final UpstreamClient upstream;

    SegmentFetch(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /** Fetches ciphertext bytes {@code segments} pinned to {@code etag} and answers 206 with the decrypted range. */
    Mono<Void> send(
            ProxyExchange exchange,
            UpstreamResponse headerResponse,
            long[] segments,
            DecryptOperator decrypt,
            String etag,
            long start,
            long keep,
            ObjectReads.PartialAnswer answer) {
        Map<String, List<String>> pin = new LinkedHashMap<>();
        pin.put("range", List.of("bytes=" + segments[0] + "-" + segments[1]));
        if (etag != null) {
            pin.put("if-match", List.of(etag));
        }
        // the client's other headers (requester pays, expected owner, ...) apply to this read too
        UpstreamRequest segmentRequest = ObjectReads.read("GET", exchange.request(), pin);
        return upstream.exchange(segmentRequest, Flux.empty(), (response, body) -> {
                    if (response.status() == 412) {
                        // the object changed between the two requests: the client retries
                        return ObjectReads.<Void>drain(body).then(Mono.<Void>error(ObjectReads.changedWhileRead()));
                    }
                    if (!response.isSuccess()) {
                        return UpstreamAnswers.relay(exchange, response, body);
                    }
                    return respond(exchange, headerResponse, body.transform(decrypt), start, keep, answer);
                })
                .then();
    }

    /** Answers 206 with {@code plaintext}, the bytes {@code [start, start + keep)} of the object {@code described} describes. */
    static Mono<Void> respond(
            ProxyExchange exchange,
            UpstreamResponse described,
            Flux<DataBuffer> plaintext,
            long start,
            long keep,
            ObjectReads.PartialAnswer answer) {
        ServerHttpResponse client = exchange.exchange().getResponse();
        client.setStatusCode(HttpStatusCode.valueOf(206));
        ObjectReads.copyHeaders(described, client, keep, answer.clientEtag());
        ObjectReads.partialHeaders(client, start, keep, answer);
        return client.writeWith(plaintext);
    }
}
