package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.SpeculativeRange;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.stream.ByteWindowOperator;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.exchange.ProxyExchange;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@code Range} read that asks the upstream for the covering ciphertext before it knows the object
 * ({@link SpeculativeRange}, docs/format.md 4.1). The answer brings the envelope, checked against the
 * stored length as for every read; when its bytes cover the plan, they are decrypted with the header
 * read inline, or with the header's copy in {@code s3seal-f} (single-part objects), or with the one
 * header fetched next while the answer waits (multipart objects, and objects from before
 * {@code s3seal-f}): one request, or two. Otherwise the answer is drained and the two-request read runs.
 * The copy is held to the envelope's length and segment size and authenticated by the format
 * (commitment, then every segment's associated data), so an edited or transplanted copy fails the read.
 */
final class OneRequestRange {

    private final UpstreamClient upstream;
    private final MultipartReads multipartReads;
    private final S3ecDownload s3ec;
    private final SegmentFetch segments;

    OneRequestRange(UpstreamClient upstream, MultipartReads multipartReads, SegmentFetch segments, S3ecDownload s3ec) {
        this.upstream = upstream;
        this.multipartReads = multipartReads;
        this.segments = segments;
        this.s3ec = s3ec;
    }

    /** The covering bytes of a plan, and the decryptor for them given the first covering stream's header. */
    private record Covering(
            long headerStart,
            long segmentStart,
            long endInclusive,
            long keep,
            Function<byte[], DecryptOperator> decrypt) {}

    Mono<Void> get(
            ProxyExchange exchange,
            PolicyDecision decision,
            ObjectKeys keys,
            ReadSelection selection,
            String upstreamRange,
            Supplier<Mono<Void>> twoRequests) {
        UpstreamRequest get = ObjectReads.read("GET", exchange.request(), Map.of("range", List.of(upstreamRange)));
        return upstream.exchange(get, Flux.empty(), (response, body) -> {
                    if (response.status() == 416) {
                        // the guess starts past the stored bytes: the two-request read resolves the client's range
                        return ObjectReads.<Void>drain(body).then(Mono.defer(twoRequests));
                    }
                    EnvelopeMetadata envelope =
                            response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
                    if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                        return s3ec.getRange(exchange, decision, keys, response, body, selection.range());
                    }
                    if (envelope == null) {
                        if (response.isSuccess() && decision.options().allowUnencryptedReads()) {
                            return ObjectReads.<Void>drain(body).then(ObjectReads.forwardAsAsked(upstream, exchange));
                        }
                        return ObjectReads.passUnencrypted(exchange, decision, response, body);
                    }
                    if (envelope.isPending()) {
                        return ObjectReads.<Void>drain(body).then(Mono.<Void>error(ObjectReads.unsealed()));
                    }
                    Optional<SpeculativeRange.Window> window = window(response);
                    if (window.isEmpty()) {
                        return ObjectReads.<Void>drain(body).then(Mono.defer(twoRequests));
                    }
                    return ObjectReads.withDataKey(
                                    keys,
                                    envelope,
                                    exchange.request(),
                                    key -> plan(
                                            exchange,
                                            response,
                                            body,
                                            envelope,
                                            window.get(),
                                            key,
                                            selection,
                                            twoRequests))
                            .onErrorResume(
                                    error -> ObjectReads.<Mono<Void>>drain(body).then(Mono.error(error)))
                            .flatMap(answer -> answer);
                })
                .then();
    }

    /** With the key: conditions, the range resolved and mapped, and the answer that decrypts {@code body}. */
    private Mono<Mono<Void>> plan(
            ProxyExchange exchange,
            UpstreamResponse response,
            Flux<DataBuffer> body,
            EnvelopeMetadata envelope,
            SpeculativeRange.Window window,
            DataKey key,
            ReadSelection selection,
            Supplier<Mono<Void>> twoRequests) {
        ObjectReads.CheckedRead checked = ObjectReads.check(exchange, response, envelope, key);
        if (checked.unmet().isPresent()) {
            return Mono.just(ObjectReads.<Void>drain(body).then(checked.unmet().get()));
        }
        String etag = response.headers().getFirst("etag");
        long length = envelope.plaintextLength();
        Optional<RangeMapping.PlaintextRange> resolved =
                selection.resolve(envelope, () -> MultipartEnvelope.openManifest(envelope, key.plaintext(), etag));
        if (resolved.isEmpty()) {
            return Mono.error(selection.unsatisfiable(length));
        }
        Covering covering = covering(exchange, envelope, resolved.get(), key, etag);
        Optional<SpeculativeRange.Use> use =
                SpeculativeRange.use(window, covering.headerStart(), covering.segmentStart(), covering.endInclusive());
        ObjectReads.PartialAnswer answer =
                new ObjectReads.PartialAnswer(checked.clientEtag(), length, selection.partsCount(envelope));
        if (use.isEmpty()) {
            // another segment size, or a part far into a multipart object: these bytes are not the covering ones
            return elsewhere(exchange, response, body, envelope, resolved.get(), covering, key, etag, answer)
                    .orElseGet(() -> Mono.just(ObjectReads.<Void>drain(body).then(Mono.defer(twoRequests))));
        }
        Mono<byte[]> header;
        byte[] copy = envelope.streamHeader();
        if (use.get().headerInline()) {
            header = Mono.just(new byte[0]);
        } else if (copy != null && envelope.manifest() == null) {
            header = Mono.just(copy);
        } else {
            long start = covering.headerStart();
            header = multipartReads.fetchHeader(
                    exchange, new long[] {start, start + ObjectFormat.HEADER_LENGTH - 1}, etag);
        }
        Flux<DataBuffer> ciphertext = body.transform(
                new ByteWindowOperator(use.get().skip(), use.get().take()));
        return header.map(bytes -> SegmentFetch.respond(
                exchange,
                response,
                ciphertext.transform(covering.decrypt().apply(bytes.length == 0 ? null : bytes)),
                resolved.get().start(),
                covering.keep(),
                answer));
    }

    /**
     * The covering bytes fetched with a second request once the first answer is drained, when its
     * header is known without the two-request read: the copy (single-part) or the covering part's
     * (multipart, fetched by {@link MultipartReads}); empty otherwise.
     */
    private Optional<Mono<Mono<Void>>> elsewhere(
            ProxyExchange exchange,
            UpstreamResponse response,
            Flux<DataBuffer> body,
            EnvelopeMetadata envelope,
            RangeMapping.PlaintextRange range,
            Covering covering,
            DataKey key,
            String etag,
            ObjectReads.PartialAnswer answer) {
        byte[] copy = envelope.streamHeader();
        if (envelope.manifest() == null && copy != null) {
            long[] segmentRange = {covering.segmentStart(), covering.endInclusive()};
            DecryptOperator decrypt = covering.decrypt().apply(copy);
            return Optional.of(Mono.just(ObjectReads.<Void>drain(body)
                    .then(segments.send(
                            exchange, response, segmentRange, decrypt, etag, range.start(), covering.keep(), answer))));
        }
        if (envelope.manifest() != null && covering.headerStart() != 0) {
            return Optional.of(multipartReads
                    .plan(exchange, response, envelope, range, null, key, etag, answer)
                    .map(send -> ObjectReads.<Void>drain(body).then(send)));
        }
        return Optional.empty();
    }

    private static Covering covering(
            ProxyExchange exchange,
            EnvelopeMetadata envelope,
            RangeMapping.PlaintextRange range,
            DataKey key,
            String etag) {
        var factory = ObjectReads.factory(exchange);
        if (envelope.manifest() == null) {
            RangeMapping.RangePlan plan = RangeMapping.plan(range, envelope.segmentSize(), envelope.plaintextLength());
            return new Covering(
                    0,
                    plan.ciphertextStart(),
                    plan.ciphertextEndInclusive(),
                    plan.keep(),
                    header -> DecryptOperator.range(key.plaintext(), plan, header, factory));
        }
        MultipartLayout layout = new MultipartLayout(
                MultipartEnvelope.openManifest(envelope, key.plaintext(), etag), envelope.segmentSize());
        MultipartLayout.Plan plan = layout.plan(range);
        return new Covering(
                plan.headerStart(),
                plan.ciphertextStart(),
                plan.ciphertextEndInclusive(),
                plan.keep(),
                header -> DecryptOperator.multipartRange(key.plaintext(), layout, plan, header, factory));
    }

    /** The stored bytes an answer carries: its Content-Range, or all of them for a 200. */
    private static Optional<SpeculativeRange.Window> window(UpstreamResponse response) {
        String contentRange = response.headers().getFirst("content-range");
        try {
            if (contentRange == null) {
                long length = response.headers().getContentLength();
                return response.status() == 200 && length > 0
                        ? Optional.of(new SpeculativeRange.Window(0, length - 1))
                        : Optional.empty();
            }
            String span = contentRange.trim();
            int space = span.indexOf(' ');
            int dash = span.indexOf('-');
            int slash = span.indexOf('/');
            if (response.status() != 206 || space < 0 || dash < space || slash < dash) {
                return Optional.empty();
            }
            long start = Long.parseLong(span.substring(space + 1, dash).trim());
            long end = Long.parseLong(span.substring(dash + 1, slash).trim());
            return start <= end ? Optional.of(new SpeculativeRange.Window(start, end)) : Optional.empty();
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }
}
