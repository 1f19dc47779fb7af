package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.SpeculativeRange;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.exchange.ProxyExchange;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * GetObject of a part of an encrypted object (a {@code Range} or a {@code partNumber}). A range is first
 * asked for as its guessed covering ciphertext ({@link OneRequestRange}: one upstream request, or two);
 * a part number, and what the guess cannot serve, take the read that starts with the stream header (with
 * the object's size and metadata): it opens the object's format and key, the selection is resolved and
 * planned, then exactly the covering segments are fetched, pinned to the same object version with
 * If-Match ({@link SegmentFetch}). Every byte is authenticated before it is released; the data key is
 * wiped once the decryptor is built.
 */
final class RangedDownload {

    private final UpstreamClient upstream;
    private final WholeDownload whole;
    private final MultipartReads multipartReads;
    private final SegmentFetch segments;
    private final S3ecDownload s3ec;
    private final OneRequestRange oneRequest;

    RangedDownload(UpstreamClient upstream, WholeDownload whole, S3ecDownload s3ec) {
        this.upstream = upstream;
        this.whole = whole;
        this.segments = new SegmentFetch(upstream);
        this.multipartReads = new MultipartReads(upstream, segments);
        this.s3ec = s3ec;
        this.oneRequest = new OneRequestRange(upstream, multipartReads, segments, s3ec);
    }

    /**
     * A {@code Range} is first asked for as the covering ciphertext of the policy's segment size
     * ({@link OneRequestRange}: one request, or two); a part number, a guess that does not fit the
     * object, and an unsatisfiable range take the read that starts with the stream header.
     */
    Mono<Void> get(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys, ReadSelection selection) {
        Optional<String> guess = selection.range() == null
                ? Optional.empty()
                : SpeculativeRange.upstreamRange(
                        selection.range().first(),
                        selection.range().last(),
                        decision.options().segmentSize());
        return guess.map(range -> oneRequest.get(
                        exchange,
                        decision,
                        keys,
                        selection,
                        range,
                        () -> viaHeader(exchange, decision, keys, selection)))
                .orElseGet(() -> viaHeader(exchange, decision, keys, selection));
    }

    /** The stream header (and the object's metadata) first, then the covering segments. */
    private Mono<Void> viaHeader(
            ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys, ReadSelection selection) {
        S3Request request = exchange.request();
        UpstreamRequest headerRequest = ObjectReads.read(
                "GET", request, Map.of("range", List.of("bytes=0-" + (ObjectFormat.HEADER_LENGTH - 1))));
        return upstream.exchange(headerRequest, Flux.empty(), (response, body) -> {
                    EnvelopeMetadata envelope =
                            response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
                    if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                        // the AWS client's format: one object, so part 1 is all of it (read whole, authenticated) and
                        // there is no other part
                        if (selection.partNumber() != null) {
                            Mono<Void> answer = selection.partNumber() == 1
                                    ? whole.get(exchange, decision, keys, true)
                                    : Mono.error(selection.unsatisfiable(0));
                            return ObjectReads.<Void>drain(body).then(answer);
                        }
                        return s3ec.getRange(exchange, decision, keys, response, body, selection.range());
                    }
                    if (envelope == null) {
                        if (response.isSuccess() && decision.options().allowUnencryptedReads()) {
                            // a plain object: the client's own range or part, answered by the upstream
                            return ObjectReads.<Void>drain(body).then(ObjectReads.forwardAsAsked(upstream, exchange));
                        }
                        return ObjectReads.passUnencrypted(exchange, decision, response, body);
                    }
                    if (envelope.isPending()) {
                        return ObjectReads.<Void>drain(body).then(Mono.<Void>error(ObjectReads.unsealed()));
                    }
                    if (selection.isWholeOf(envelope)) {
                        return ObjectReads.<Void>drain(body).then(whole.get(exchange, decision, keys, false));
                    }
                    return DataBufferUtils.join(body, ObjectFormat.HEADER_LENGTH * 4)
                            .flatMap(headerBuffer -> {
                                byte[] header = new byte[headerBuffer.readableByteCount()];
                                headerBuffer.read(header);
                                DataBufferUtils.release(headerBuffer);
                                return ObjectReads.withDataKey(
                                        keys,
                                        envelope,
                                        request,
                                        key -> plan(exchange, response, envelope, header, key, selection));
                            })
                            .flatMap(answer -> answer);
                })
                .then();
    }

    /**
     * With the key: the client's conditions, the selection resolved (a part needs the manifest) and
     * the decryptor built; the answer that sends the range, or the one that ends the read.
     */
    private Mono<Mono<Void>> plan(
            ProxyExchange exchange,
            UpstreamResponse response,
            EnvelopeMetadata envelope,
            byte[] header,
            DataKey key,
            ReadSelection selection) {
        ObjectReads.CheckedRead checked = ObjectReads.check(exchange, response, envelope, key);
        if (checked.unmet().isPresent()) {
            return Mono.just(checked.unmet().get());
        }
        String etag = response.headers().getFirst("etag");
        long length = envelope.plaintextLength();
        Optional<RangeMapping.PlaintextRange> resolved =
                selection.resolve(envelope, () -> MultipartEnvelope.openManifest(envelope, key.plaintext(), etag));
        if (resolved.isEmpty()) {
            return Mono.error(selection.unsatisfiable(length));
        }
        ObjectReads.PartialAnswer answer =
                new ObjectReads.PartialAnswer(checked.clientEtag(), length, selection.partsCount(envelope));
        if (envelope.manifest() != null) {
            return multipartReads.plan(exchange, response, envelope, resolved.get(), header, key, etag, answer);
        }
        RangeMapping.RangePlan plan = RangeMapping.plan(resolved.get(), envelope.segmentSize(), length);
        DecryptOperator decrypt = DecryptOperator.range(key.plaintext(), plan, header, ObjectReads.factory(exchange));
        long start = plan.firstSegment() * (long) plan.segmentSize() + plan.skip();
        return Mono.just(
                segments.send(exchange, response, plan.segmentRange(), decrypt, etag, start, plan.keep(), answer));
    }
}
