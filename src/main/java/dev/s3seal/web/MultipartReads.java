package dev.s3seal.web;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;

/**
 * Reads of sealed multipart objects (docs/format.md 6.3): the manifest opened and checked against
 * the envelope and the ETag's {@code -N}, ranges mapped across parts with {@link MultipartLayout}.
 */
final class MultipartReads {

    private final UpstreamClient upstream;
    private final RangedDownload download;

    MultipartReads(UpstreamClient upstream, RangedDownload download) {
        this.upstream = upstream;
        this.download = download;
    }

    /** An object whose multipart upload was completed but never sealed: unreadable (fail closed). */
    static S3Exception unsealed() {
        return new S3Exception(S3ErrorCode.INVALID_OBJECT_STATE,
                "The object's multipart upload was not sealed by s3seal; it cannot be read. Upload it again.");
    }

    /** A ranged GET: the covering part header (from the first request when it is part 1's) and segments. */
    Mono<Void> range(ProxyExchange exchange, S3Request request, UpstreamResponse headerResponse,
            EnvelopeMetadata envelope, RangeMapping.PlaintextRange range, byte[] firstHeader, byte[] dataKey,
            String etag, RangedDownload.PartialAnswer answer) {
        MultipartLayout layout;
        MultipartLayout.Plan plan;
        try {
            layout = new MultipartLayout(MultipartEnvelope.openManifest(envelope, dataKey, etag), envelope.segmentSize());
            plan = layout.plan(range);
        } catch (RuntimeException failure) {
            Arrays.fill(dataKey, (byte) 0);
            return Mono.error(failure);
        }
        Mono<byte[]> header;
        long[] fetch;
        if (plan.headerStart() == 0) {
            header = Mono.just(firstHeader);
            fetch = plan.segmentRange();
        } else if (plan.firstSegment() == 0) {
            header = Mono.just(new byte[0]);
            fetch = plan.singleRequestRange();
        } else {
            header = fetchHeader(request, plan.headerRange(), etag);
            fetch = plan.segmentRange();
        }
        return header.flatMap(bytes -> {
            DecryptOperator decrypt;
            try {
                decrypt = DecryptOperator.multipartRange(dataKey, layout, plan, bytes.length == 0 ? null : bytes,
                        DecryptingDownload.factory(exchange));
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
            return download.sendRange(exchange, request, headerResponse, fetch, decrypt, etag, range.start(),
                    plan.keep(), answer);
        }).doFinally(signal -> Arrays.fill(dataKey, (byte) 0)); // also when the header never arrives (the decryptor holds its own keys)
    }

    private Mono<byte[]> fetchHeader(S3Request request, long[] headerRange, String etag) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("range", List.of("bytes=" + headerRange[0] + "-" + headerRange[1]));
        if (etag != null) {
            headers.put("if-match", List.of(etag));
        }
        UpstreamRequest get = new UpstreamRequest("GET", request.bucket(), request.key(),
                DecryptingDownload.versionOnly(request.query()), headers, -1);
        return upstream.exchange(get, Flux.empty(), (response, body) -> {
            if (!response.isSuccess()) {
                return body.doOnNext(DataBufferUtils::release).then(Mono.<byte[]>error(new S3Exception(
                        S3ErrorCode.SERVICE_UNAVAILABLE, "The object changed while it was read; retry.")));
            }
            return SmallExchanges.readAll(body, ObjectFormat.HEADER_LENGTH * 4);
        }).next().filter(header -> header.length > 0).switchIfEmpty(Mono.error(() -> new S3Exception(
                S3ErrorCode.SERVICE_UNAVAILABLE, "The object changed while it was read; retry.")));
    }
}
