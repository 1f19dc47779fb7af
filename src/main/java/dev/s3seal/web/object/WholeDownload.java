package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.PlaintextChecksums;
import dev.s3seal.web.exchange.ProxyExchange;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A whole GET: one upstream request, the object's format and key opened from its answer, the client's
 * conditions evaluated against the ETag it sees, then the body decrypted as it streams.
 */
final class WholeDownload {

    private final UpstreamClient upstream;
    private final S3ecDownload s3ec;

    WholeDownload(UpstreamClient upstream, S3ecDownload s3ec) {
        this.upstream = upstream;
        this.s3ec = s3ec;
    }

    /** A whole read; {@code asPartOne} when it answers GET ?partNumber=1 of an object in the AWS client's format. */
    Mono<Void> get(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys, boolean asPartOne) {
        S3Request request = exchange.request();
        return upstream.exchange(ObjectReads.read("GET", request, Map.of()), Flux.empty(), (response, body) -> {
                    EnvelopeMetadata envelope =
                            response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
                    if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                        return s3ec.getWhole(exchange, decision, keys, response, body, asPartOne);
                    }
                    if (envelope == null) {
                        return ObjectReads.passUnencrypted(exchange, decision, response, body);
                    }
                    if (envelope.isPending()) {
                        return ObjectReads.<Void>drain(body).then(Mono.<Void>error(ObjectReads.unsealed()));
                    }
                    String etag = response.headers().getFirst("etag");
                    // when the read ends before the body (key, conditions, corrupt metadata) the body is never
                    // subscribed: the upstream connection is closed, not drained
                    return ObjectReads.withDataKey(keys, envelope, request, key -> {
                                ObjectReads.CheckedRead checked = ObjectReads.check(exchange, response, envelope, key);
                                if (checked.unmet().isPresent()) {
                                    return Mono.just(checked.unmet().get());
                                }
                                // opened before any header goes out: an altered entry fails the read here
                                Optional<PlaintextChecksums.Answer> checksum = asPartOne
                                        ? Optional.empty()
                                        : ObjectReads.checksumAsked(request, envelope, key.plaintext());
                                DecryptOperator decrypt = envelope.manifest() == null
                                        ? DecryptOperator.object(
                                                key.plaintext(),
                                                envelope.segmentSize(),
                                                envelope.plaintextLength(),
                                                ObjectReads.factory(exchange))
                                        : DecryptOperator.multipart(
                                                key.plaintext(),
                                                MultipartEnvelope.openManifest(envelope, key.plaintext(), etag),
                                                envelope.segmentSize(),
                                                ObjectReads.factory(exchange));
                                return Mono.just(Mono.defer(() -> {
                                    ServerHttpResponse client =
                                            exchange.exchange().getResponse();
                                    client.setStatusCode(HttpStatusCode.valueOf(200));
                                    ObjectReads.copyHeaders(
                                            response, client, envelope.plaintextLength(), checked.clientEtag());
                                    checksum.ifPresent(answer -> answer.writeTo(client.getHeaders()));
                                    return client.writeWith(body.transform(decrypt));
                                }));
                            })
                            .flatMap(answer ->
                                    answer); // the key is wiped before the body streams: the decryptor holds its own
                    // keys
                })
                .then();
    }
}
