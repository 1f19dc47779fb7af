package dev.s3seal.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;

/**
 * GetObject of a part of an envelope-encrypted object (a {@code Range} or a {@code partNumber}):
 * first the header (with the object's size and metadata), then exactly the covering segments, pinned
 * to the same object version with If-Match. Every byte is authenticated before it is released.
 */
final class RangedDownload {

    /** What a 206 answer says besides its bytes. */
    record PartialAnswer(String clientEtag, long objectLength, Integer partsCount) {
    }

    private final UpstreamClient upstream;
    private final DecryptingDownload whole;
    private final MultipartReads multipartReads;
    private final S3ecDownload s3ec;

    RangedDownload(UpstreamClient upstream, DecryptingDownload whole, S3ecDownload s3ec) {
        this.upstream = upstream;
        this.whole = whole;
        this.multipartReads = new MultipartReads(upstream, this);
        this.s3ec = s3ec;
    }

    Mono<Void> get(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys, ReadSelection selection) {
        S3Request request = exchange.request();
        UpstreamRequest headerRequest = DecryptingDownload.read("GET", request,
                Map.of("range", List.of("bytes=0-" + (ObjectFormat.HEADER_LENGTH - 1))));
        return upstream.exchange(headerRequest, Flux.empty(), (response, body) -> {
            EnvelopeMetadata envelope = response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
            if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                // the AWS client's format: one object, so part 1 is all of it (read whole, authenticated) and
                // there is no other part
                if (selection.partNumber() != null) {
                    Mono<Void> answer = selection.partNumber() == 1 ? whole.getWhole(exchange, decision, keys, true)
                            : Mono.error(selection.unsatisfiable(0));
                    return body.doOnNext(DataBufferUtils::release).then(answer);
                }
                return s3ec.getRange(exchange, decision, keys, response, body, selection.range());
            }
            if (envelope == null) {
                if (response.isSuccess() && decision.options().allowUnencryptedReads()) {
                    // a plain object: the client's own range or part, answered by the upstream
                    return body.doOnNext(DataBufferUtils::release).then(DecryptingDownload.forwardAsAsked(upstream, exchange));
                }
                return DecryptingDownload.passUnencrypted(exchange, decision, response, body);
            }
            if (envelope.isPending()) {
                return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(MultipartReads.unsealed()));
            }
            if (selection.isWholeOf(envelope)) {
                return body.doOnNext(DataBufferUtils::release).then(whole.getWhole(exchange, decision, keys));
            }
            return DataBufferUtils.join(body, ObjectFormat.HEADER_LENGTH * 4).flatMap(headerBuffer -> {
                byte[] header = new byte[headerBuffer.readableByteCount()];
                headerBuffer.read(header);
                DataBufferUtils.release(headerBuffer);
                return DecryptingDownload.dataKey(keys, envelope, request)
                        .flatMap(dataKey -> decryptSelection(exchange, response, envelope, header, dataKey, selection));
            });
        }).then();
    }

    /** After the key: preconditions, then the selection resolved (a part needs the manifest), then the read. */
    private Mono<Void> decryptSelection(ProxyExchange exchange, UpstreamResponse response, EnvelopeMetadata envelope,
            byte[] header, byte[] dataKey, ReadSelection selection) {
        String etag = response.headers().getFirst("etag");
        DecryptingDownload.Preconditions checked = DecryptingDownload.preconditions(exchange, response, envelope,
                dataKey, etag);
        if (checked.answer() != null) {
            return checked.answer();
        }
        long length = envelope.plaintextLength();
        Optional<RangeMapping.PlaintextRange> resolved;
        try {
            resolved = selection.resolve(envelope, () -> MultipartEnvelope.openManifest(envelope, dataKey, etag));
        } catch (RuntimeException corrupt) {
            java.util.Arrays.fill(dataKey, (byte) 0);
            return Mono.error(corrupt);
        }
        if (resolved.isEmpty()) {
            java.util.Arrays.fill(dataKey, (byte) 0);
            return Mono.error(selection.unsatisfiable(length));
        }
        PartialAnswer answer = new PartialAnswer(checked.clientEtag(), length, selection.partsCount(envelope));
        S3Request request = exchange.request();
        if (envelope.manifest() != null) {
            return multipartReads.range(exchange, request, response, envelope, resolved.get(), header, dataKey, etag,
                    answer);
        }
        RangeMapping.RangePlan plan = RangeMapping.plan(resolved.get(), envelope.segmentSize(), length);
        DecryptOperator decrypt;
        try {
            decrypt = DecryptOperator.range(dataKey, plan, header, DecryptingDownload.factory(exchange));
        } finally {
            java.util.Arrays.fill(dataKey, (byte) 0);
        }
        long start = plan.firstSegment() * (long) plan.segmentSize() + plan.skip();
        return sendRange(exchange, request, response, plan.segmentRange(), decrypt, etag, start, plan.keep(), answer);
    }

    /** Fetches ciphertext {@code segments} pinned to {@code etag} and answers 206 with the decrypted range. */
    Mono<Void> sendRange(ProxyExchange exchange, S3Request request, UpstreamResponse headerResponse, long[] segments,
            DecryptOperator decrypt, String etag, long start, long keep, PartialAnswer answer) {
        Map<String, List<String>> pin = new LinkedHashMap<>();
        pin.put("range", List.of("bytes=" + segments[0] + "-" + segments[1]));
        if (etag != null) {
            pin.put("if-match", List.of(etag));
        }
        // the client's other headers (requester pays, expected owner, ...) apply to this read too
        UpstreamRequest segmentRequest = DecryptingDownload.read("GET", request, pin);
        return upstream.exchange(segmentRequest, Flux.empty(), (response, body) -> {
            if (response.status() == 412) {
                // the object changed between the two requests: the client retries
                return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(
                        new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The object changed while it was read; retry.")));
            }
            if (!response.isSuccess()) {
                return ForwardHandler.writeResponse(exchange, response, body);
            }
            ServerHttpResponse client = exchange.exchange().getResponse();
            client.setStatusCode(HttpStatusCode.valueOf(206));
            DecryptingDownload.copyHeaders(headerResponse, client, keep, answer.clientEtag());
            partialHeaders(client, start, keep, answer);
            return client.writeWith(body.transform(decrypt));
        }).then();
    }

    /** Content-Range, and the part count when a part of a multipart object was asked for. */
    static void partialHeaders(ServerHttpResponse client, long start, long keep, PartialAnswer answer) {
        client.getHeaders().set("Content-Range", "bytes " + start + "-" + (start + keep - 1) + "/" + answer.objectLength());
        if (answer.partsCount() != null) {
            client.getHeaders().set("x-amz-mp-parts-count", Integer.toString(answer.partsCount()));
        }
    }
}
