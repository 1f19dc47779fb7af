package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamResponse;
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
 * GetObject and HeadObject of objects s3seal encrypts: the read pipeline's entry. What is asked
 * ({@link ReadSelection}: whole, range or part) picks the read: a whole GET is {@link WholeDownload}'s
 * (one upstream request), a range or part {@link RangedDownload}'s; a HEAD answers here, with the
 * plaintext size of what the same GET would send. Each read opens the object's format and key from
 * its first upstream answer, plans what else it needs, and authenticates every byte it releases.
 */
final class DecryptingDownload {

    private final UpstreamClient upstream;
    private final WholeDownload whole;
    private final RangedDownload ranged;
    private final S3ecDownload s3ec;

    DecryptingDownload(UpstreamClient upstream) {
        this.upstream = upstream;
        this.s3ec = new S3ecDownload(upstream);
        this.whole = new WholeDownload(upstream, s3ec);
        this.ranged = new RangedDownload(upstream, whole, s3ec);
    }

    Mono<Void> get(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys) {
        return Mono.defer(() -> {
            ReadSelection selection = ReadSelection.of(exchange.request());
            return selection.isWhole()
                    ? whole.get(exchange, decision, keys, false)
                    : ranged.get(exchange, decision, keys, selection);
        });
    }

    Mono<Void> head(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys) {
        return Mono.defer(() -> {
            ReadSelection selection = ReadSelection.of(exchange.request());
            return upstream.exchange(
                            ObjectReads.read("HEAD", exchange.request(), Map.of()), Flux.empty(), (response, body) -> {
                                EnvelopeMetadata envelope =
                                        response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
                                if (envelope == null
                                        && response.isSuccess()
                                        && S3ecDownload.isS3ec(response.headers())) {
                                    return s3ec.head(exchange, decision, response, body, selection);
                                }
                                if (envelope == null) {
                                    if (response.isSuccess()
                                            && !selection.isWhole()
                                            && decision.options().allowUnencryptedReads()) {
                                        return ObjectReads.<Void>drain(body)
                                                .then(ObjectReads.forwardAsAsked(upstream, exchange));
                                    }
                                    return ObjectReads.passUnencrypted(exchange, decision, response, body);
                                }
                                if (envelope.isPending()) {
                                    return ObjectReads.<Void>drain(body).then(Mono.<Void>error(ObjectReads.unsealed()));
                                }
                                return ObjectReads.<Void>drain(body)
                                        .then(Mono.defer(
                                                () -> answerHead(exchange, keys, response, envelope, selection)));
                            })
                    .then();
        });
    }

    /** What HEAD needs from the object: the ETag the client sees and the plaintext range of its selection. */
    private record HeadFacts(
            String clientEtag,
            Optional<RangeMapping.PlaintextRange> range,
            Optional<PlaintextChecksums.Answer> checksum) {}

    /** HEAD's answer: the plaintext size of what a GET with the same Range or partNumber would send. */
    private static Mono<Void> answerHead(
            ProxyExchange exchange,
            ObjectKeys keys,
            UpstreamResponse response,
            EnvelopeMetadata envelope,
            ReadSelection selection) {
        String upstreamEtag = response.headers().getFirst("etag");
        boolean needsKey = keys.openOnEveryRead()
                || (envelope.sealedMd5() != null && envelope.manifest() == null)
                || (selection.partNumber() != null && envelope.manifest() != null)
                || ObjectReads.checksumWanted(exchange.request(), envelope);
        Mono<HeadFacts> facts = needsKey
                ? ObjectReads.withDataKey(
                        keys,
                        envelope,
                        exchange.request(),
                        key -> Mono.just(new HeadFacts(
                                ObjectReads.clientEtag(envelope, key.plaintext(), upstreamEtag),
                                resolve(envelope, selection, key.plaintext(), upstreamEtag),
                                ObjectReads.checksumAsked(exchange.request(), envelope, key.plaintext()))))
                : Mono.fromCallable(() -> new HeadFacts(
                        upstreamEtag == null ? "" : upstreamEtag,
                        resolve(envelope, selection, null, upstreamEtag),
                        Optional.empty()));
        return facts.flatMap(head -> {
            Optional<Mono<Void>> unmet = ObjectReads.unmet(exchange, response, Flux.empty(), head.clientEtag());
            if (unmet.isPresent()) {
                return unmet.get();
            }
            ServerHttpResponse client = exchange.exchange().getResponse();
            long length = envelope.plaintextLength();
            if (selection.isWholeOf(envelope)) {
                ObjectReads.copyHeaders(response, client, length, head.clientEtag());
                head.checksum().ifPresent(answer -> answer.writeTo(client.getHeaders()));
                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                return client.setComplete();
            }
            if (head.range().isEmpty()) {
                return Mono.error(selection.unsatisfiable(length));
            }
            RangeMapping.PlaintextRange range = head.range().get();
            ObjectReads.copyHeaders(response, client, range.length(), head.clientEtag());
            ObjectReads.partialHeaders(
                    client,
                    range.start(),
                    range.length(),
                    new ObjectReads.PartialAnswer(head.clientEtag(), length, selection.partsCount(envelope)));
            client.setStatusCode(HttpStatusCode.valueOf(206));
            return client.setComplete();
        });
    }

    /** The selection's plaintext range; a part of a multipart object needs the key (its manifest). */
    private static Optional<RangeMapping.PlaintextRange> resolve(
            EnvelopeMetadata envelope, ReadSelection selection, byte[] dataKey, String upstreamEtag) {
        return selection.isWholeOf(envelope)
                ? Optional.empty()
                : selection.resolve(envelope, () -> MultipartEnvelope.openManifest(envelope, dataKey, upstreamEtag));
    }
}
