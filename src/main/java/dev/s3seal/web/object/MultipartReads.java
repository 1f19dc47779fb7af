package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.keys.DataKey;
import dev.s3seal.stream.Buffers;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.exchange.ProxyExchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ranged reads of sealed multipart objects (docs/format.md 6.3): the manifest opened and checked against
 * the envelope and the ETag's {@code -N}, the range mapped across parts with {@link MultipartLayout},
 * and the covering part's header fetched when it is not the one read first.
 */
final class MultipartReads {

    private final UpstreamClient upstream;
    private final SegmentFetch segments;

    MultipartReads(UpstreamClient upstream, SegmentFetch segments) {
        this.upstream = upstream;
        this.segments = segments;
    }

    /**
     * The answer for {@code range}, built while {@code key} is open: the decryptor is made once the
     * covering part's header is known (from the first request when it is part 1's, else fetched).
     */
    Mono<Mono<Void>> plan(
            ProxyExchange exchange,
            UpstreamResponse headerResponse,
            EnvelopeMetadata envelope,
            RangeMapping.PlaintextRange range,
            byte[] firstHeader,
            DataKey key,
            String etag,
            ObjectReads.PartialAnswer answer) {
        MultipartLayout layout = new MultipartLayout(
                MultipartEnvelope.openManifest(envelope, key.plaintext(), etag), envelope.segmentSize());
        MultipartLayout.Plan plan = layout.plan(range);
        Mono<byte[]> header;
        long[] fetch;
        if (plan.headerStart() == 0) {
            header = Mono.just(firstHeader);
            fetch = plan.segmentRange();
        } else if (plan.firstSegment() == 0) {
            header = Mono.just(new byte[0]);
            fetch = plan.singleRequestRange();
        } else {
            header = fetchHeader(exchange, plan.headerRange(), etag);
            fetch = plan.segmentRange();
        }
        return header.map(bytes -> {
            DecryptOperator decrypt = DecryptOperator.multipartRange(
                    key.plaintext(), layout, plan, bytes.length == 0 ? null : bytes, ObjectReads.factory(exchange));
            return segments.send(exchange, headerResponse, fetch, decrypt, etag, range.start(), plan.keep(), answer);
        });
    }

    /** The 91 header bytes at {@code headerRange}, pinned to {@code etag}: a second request of a ranged read. */
    Mono<byte[]> fetchHeader(ProxyExchange exchange, long[] headerRange, String etag) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("range", List.of("bytes=" + headerRange[0] + "-" + headerRange[1]));
        if (etag != null) {
            headers.put("if-match", List.of(etag));
        }
        var request = exchange.request();
        UpstreamRequest get = new UpstreamRequest(
                "GET", request.bucket(), request.key(), ObjectReads.versionOnly(request.query()), headers, -1);
        return upstream.exchange(get, Flux.empty(), (response, body) -> {
                    if (!response.isSuccess()) {
                        return ObjectReads.<byte[]>drain(body).then(Mono.<byte[]>error(ObjectReads.changedWhileRead()));
                    }
                    return Buffers.readBytes(body, ObjectFormat.HEADER_LENGTH * 4);
                })
                .next()
                .filter(header -> header.length > 0)
                .switchIfEmpty(Mono.error(ObjectReads::changedWhileRead));
    }
}
