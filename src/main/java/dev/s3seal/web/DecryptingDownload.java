package dev.s3seal.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyRegistry;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.ByteRangeHeader;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;

/**
 * GetObject and HeadObject of envelope-encrypted objects: plaintext sizes, ranges mapped onto the
 * covering segments, every byte authenticated before it is released. A whole GET is one upstream
 * request; a ranged GET is two (the header with the object's size, then the covering segments,
 * pinned to the same object version with If-Match).
 */
final class DecryptingDownload {

    private final UpstreamClient upstream;
    private final MultipartReads multipartReads;
    private final S3ecDownload s3ec;

    DecryptingDownload(UpstreamClient upstream) {
        this.upstream = upstream;
        this.multipartReads = new MultipartReads(upstream, this);
        this.s3ec = new S3ecDownload(upstream);
    }

    Mono<Void> head(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys) {
        S3Request request = exchange.request();
        UpstreamRequest head = read("HEAD", request, Map.of());
        return upstream.exchange(head, Flux.empty(), (response, body) -> {
            EnvelopeMetadata envelope = response.isSuccess() ? EnvelopeHeaders.read(response.headers()) : null;
            if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                return s3ec.head(exchange, decision, response, body);
            }
            if (envelope == null) {
                return passUnencrypted(exchange, decision, response, body);
            }
            if (envelope.isPending()) {
                return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(MultipartReads.unsealed()));
            }
            String upstreamEtag = response.headers().getFirst("etag");
            Mono<String> etag = envelope.sealedMd5() == null || envelope.manifest() != null
                    ? Mono.just(upstreamEtag == null ? "" : upstreamEtag)
                    : dataKey(keys, envelope, request).map(dataKey -> {
                        try {
                            return PlaintextEtags.of(envelope, dataKey);
                        } finally {
                            java.util.Arrays.fill(dataKey, (byte) 0);
                        }
                    });
            return body.doOnNext(DataBufferUtils::release).then(etag).flatMap(clientEtag -> {
                Mono<Void> unmet = unmet(exchange, response, Flux.empty(), clientEtag);
                if (unmet != null) {
                    return unmet;
                }
                ServerHttpResponse client = exchange.exchange().getResponse();
                copyHeaders(response, client, envelope.plaintextLength(), clientEtag);
                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                return client.setComplete();
            });
        }).then();
    }

    Mono<Void> get(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys) {
        ByteRangeHeader range = ByteRangeHeader.parse(exchange.request().header("range"));
        return range == null ? getWhole(exchange, decision, keys) : getRange(exchange, decision, keys, range);
    }

    private Mono<Void> getWhole(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys) {
        S3Request request = exchange.request();
        return upstream.exchange(read("GET", request, Map.of()), Flux.empty(), (response, body) -> {
            EnvelopeMetadata envelope = response.isSuccess() ? EnvelopeHeaders.read(response.headers()) : null;
            if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                return s3ec.getWhole(exchange, decision, keys, response, body);
            }
            if (envelope == null) {
                return passUnencrypted(exchange, decision, response, body);
            }
            if (envelope.isPending()) {
                return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(MultipartReads.unsealed()));
            }
            String etag = response.headers().getFirst("etag");
            return dataKey(keys, envelope, request).flatMap(dataKey -> {
                Preconditions checked = preconditions(exchange, response, envelope, dataKey, etag);
                if (checked.answer() != null) {
                    return checked.answer(); // the body is never subscribed: the connection is closed, not drained
                }
                String clientEtag = checked.clientEtag();
                DecryptOperator decrypt;
                try {
                    decrypt = envelope.manifest() == null ? DecryptOperator.object(dataKey, factory(exchange))
                            : DecryptOperator.multipart(dataKey, MultipartReads.manifest(envelope, dataKey, etag),
                                    envelope.segmentSize(), factory(exchange));
                } finally {
                    java.util.Arrays.fill(dataKey, (byte) 0);
                }
                ServerHttpResponse client = exchange.exchange().getResponse();
                client.setStatusCode(HttpStatusCode.valueOf(200));
                copyHeaders(response, client, envelope.plaintextLength(), clientEtag);
                return client.writeWith(body.transform(decrypt));
            });
        }).then();
    }

    /** First the header (and the object's size and metadata), then exactly the covering segments. */
    private Mono<Void> getRange(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys,
            ByteRangeHeader range) {
        S3Request request = exchange.request();
        UpstreamRequest headerRequest = read("GET", request,
                Map.of("range", List.of("bytes=0-" + (ObjectFormat.HEADER_LENGTH - 1))));
        return upstream.exchange(headerRequest, Flux.empty(), (response, body) -> {
            EnvelopeMetadata envelope = response.isSuccess() ? EnvelopeHeaders.read(response.headers()) : null;
            if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                return s3ec.getRange(exchange, decision, keys, response, body, range);
            }
            if (envelope == null) {
                if (response.isSuccess() && decision.options().allowUnencryptedReads()) {
                    Mono<Void> unmet = unmet(exchange, response, body, etagOf(response));
                    if (unmet != null) {
                        return unmet;
                    }
                    // a plain object: forward the client's own range
                    return body.doOnNext(DataBufferUtils::release)
                            .then(upstream.exchange(read("GET", request, Map.of("range", List.of(request.header("range")))),
                                    Flux.empty(), (r, b) -> ForwardHandler.writeResponse(exchange, r, b)).then());
                }
                return passUnencrypted(exchange, decision, response, body);
            }
            if (envelope.isPending()) {
                return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(MultipartReads.unsealed()));
            }
            long length = envelope.plaintextLength();
            Optional<RangeMapping.PlaintextRange> resolved = RangeMapping.resolve(range.first(), range.last(), length);
            if (resolved.isEmpty()) {
                return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(unsatisfiable(length)));
            }
            String etag = response.headers().getFirst("etag");
            return DataBufferUtils.join(body, ObjectFormat.HEADER_LENGTH * 4).flatMap(headerBuffer -> {
                byte[] header = new byte[headerBuffer.readableByteCount()];
                headerBuffer.read(header);
                DataBufferUtils.release(headerBuffer);
                return dataKey(keys, envelope, request).flatMap(dataKey -> {
                    Preconditions checked = preconditions(exchange, response, envelope, dataKey, etag);
                    if (checked.answer() != null) {
                        return checked.answer();
                    }
                    String clientEtag = checked.clientEtag();
                    exchange.exchange().getAttributes().put(CLIENT_ETAG, clientEtag);
                    if (envelope.manifest() != null) {
                        return multipartReads.range(exchange, request, response, envelope, resolved.get(), header,
                                dataKey, etag);
                    }
                    RangeMapping.RangePlan plan = RangeMapping.plan(resolved.get(), envelope.segmentSize(), length);
                    DecryptOperator decrypt;
                    try {
                        decrypt = DecryptOperator.range(dataKey, plan, header, factory(exchange));
                    } finally {
                        java.util.Arrays.fill(dataKey, (byte) 0);
                    }
                    long start = plan.firstSegment() * (long) plan.segmentSize() + plan.skip();
                    return sendRange(exchange, request, response, plan.segmentRange(), decrypt, start, plan.keep(),
                            etag, length);
                });
            });
        }).then();
    }

    /** Fetches ciphertext {@code segments} pinned to {@code etag} and answers 206 with the decrypted range. */
    Mono<Void> sendRange(ProxyExchange exchange, S3Request request, UpstreamResponse headerResponse, long[] segments,
            DecryptOperator decrypt, long start, long keep, String etag, long length) {
        Map<String, List<String>> pin = new LinkedHashMap<>();
        pin.put("range", List.of("bytes=" + segments[0] + "-" + segments[1]));
        if (etag != null) {
            pin.put("if-match", List.of(etag));
        }
        // the client's other headers (requester pays, expected owner, ...) apply to this read too
        UpstreamRequest segmentRequest = read("GET", request, pin);
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
            copyHeaders(headerResponse, client, keep,
                    (String) exchange.exchange().getAttributes().getOrDefault(CLIENT_ETAG, etagOf(headerResponse)));
            client.getHeaders().set("Content-Range", "bytes " + start + "-" + (start + keep - 1) + "/" + length);
            return client.writeWith(body.transform(decrypt));
        }).then();
    }

    /** The client's ETag for the object, or the answer that ends the request (412/304, or corrupt metadata). */
    private record Preconditions(String clientEtag, Mono<Void> answer) {
    }

    /** Evaluates If-Match / If-None-Match against the ETag the client sees; wipes the data key when the request ends here. */
    private Preconditions preconditions(ProxyExchange exchange, UpstreamResponse response, EnvelopeMetadata envelope,
            byte[] dataKey, String upstreamEtag) {
        String clientEtag;
        try {
            clientEtag = clientEtag(envelope, dataKey, upstreamEtag);
        } catch (RuntimeException corrupt) {
            java.util.Arrays.fill(dataKey, (byte) 0);
            return new Preconditions(null, Mono.error(corrupt));
        }
        Mono<Void> unmet = unmet(exchange, response, null, clientEtag);
        if (unmet != null) {
            java.util.Arrays.fill(dataKey, (byte) 0);
            return new Preconditions(null, unmet);
        }
        return new Preconditions(clientEtag, null);
    }

    /**
     * An object without s3seal's envelope under a client-side rule: served as stored only when the
     * policy allows unencrypted reads (migration); upstream errors (404, 304, 412, ...) pass as they are.
     */
    private static Mono<Void> passUnencrypted(ProxyExchange exchange, PolicyDecision decision, UpstreamResponse response,
            Flux<DataBuffer> body) {
        if (response.isSuccess() && decision.options().allowUnencryptedReads()) {
            Mono<Void> unmet = unmet(exchange, response, body, etagOf(response));
            if (unmet != null) {
                return unmet;
            }
        }
        if (!response.isSuccess() || decision.options().allowUnencryptedReads()) {
            Mono<Void> write = ForwardHandler.writeResponse(exchange, response, body);
            EnvelopeHeaders.stripEnvelopeEntries(exchange.exchange().getResponse().getHeaders());
            return write;
        }
        return body.doOnNext(DataBufferUtils::release).then(Mono.error(new S3Exception(S3ErrorCode.ACCESS_DENIED,
                "The object is not encrypted by s3seal and the policy does not allow unencrypted reads.")));
    }

    static Mono<byte[]> dataKey(KeyRegistry keys, EnvelopeMetadata envelope, S3Request request) {
        WrappedKey wrapped = new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(),
                envelope.wrappedKey());
        KeyContext context = KeyContext.of(request.bucket(), request.key(), keys.contextFor(envelope.keyId()));
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context)).onErrorMap(KeyFailures::toS3);
    }

    private static void copyHeaders(UpstreamResponse upstreamResponse, ServerHttpResponse client, long contentLength,
            String etag) {
        ForwardedHeaders.copyToClient(upstreamResponse.headers(), client.getHeaders());
        EnvelopeHeaders.stripCiphertextFacts(client.getHeaders());
        if (etag != null && !etag.isEmpty()) {
            client.getHeaders().set("ETag", etag);
        }
        client.getHeaders().setContentLength(contentLength);
        client.getHeaders().set("Accept-Ranges", "bytes");
    }

    /** The client's read request with its conditions, without its own range or body framing. */
    static UpstreamRequest read(String method, S3Request request, Map<String, List<String>> extra) {
        Map<String, List<String>> headers = new LinkedHashMap<>(ForwardedHeaders.toUpstream(request.headers(), false));
        boolean ifMatch = request.header("if-match") != null;
        boolean ifNoneMatch = request.header("if-none-match") != null;
        headers.keySet().removeIf(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // If-Match / If-None-Match name the ETags the client saw (plaintext MD5s): s3seal evaluates
            // them itself (unmet); each overrides its date-based partner, as in S3
            return lower.equals("range") || lower.equals("x-amz-checksum-mode")
                    || PlaintextEtags.EVALUATED.contains(lower)
                    || (ifMatch && lower.equals("if-unmodified-since"))
                    || (ifNoneMatch && lower.equals("if-modified-since"));
        });
        headers.putAll(extra);
        return new UpstreamRequest(method, request.bucket(), request.key(),
                ForwardHandler.withoutPresignParameters(request.query()), headers, -1);
    }

    /** The ETag the client sees: the plaintext MD5 when the object carries it sealed, else the upstream's. */
    static String clientEtag(EnvelopeMetadata envelope, byte[] dataKey, String upstreamEtag) {
        String plaintext = PlaintextEtags.of(envelope, dataKey);
        return plaintext != null ? plaintext : upstreamEtag == null ? "" : upstreamEtag;
    }

    /** Exchange attribute: the client ETag decided on the first response of a ranged read. */
    private static final String CLIENT_ETAG = DecryptingDownload.class.getName() + ".clientEtag";

    private static String etagOf(UpstreamResponse response) {
        String etag = response.headers().getFirst("etag");
        return etag == null ? "" : etag;
    }

    /**
     * S3's If-Match / If-None-Match against {@code etag}, the ETag the client sees: a Mono that
     * answers 412 or 304 (releasing {@code body} when given), or null when the read goes on.
     */
    static Mono<Void> unmet(ProxyExchange exchange, UpstreamResponse response, Flux<DataBuffer> body, String etag) {
        S3Request request = exchange.request();
        String ifMatch = request.header("if-match");
        String ifNoneMatch = request.header("if-none-match");
        Mono<Void> drained = body == null ? Mono.empty() : body.doOnNext(DataBufferUtils::release).then();
        if (ifMatch != null && !PlaintextEtags.matches(ifMatch, etag)) {
            return drained.then(Mono.error(new S3Exception(S3ErrorCode.PRECONDITION_FAILED)));
        }
        if (ifNoneMatch != null && PlaintextEtags.matches(ifNoneMatch, etag)) {
            ServerHttpResponse client = exchange.exchange().getResponse();
            client.setStatusCode(HttpStatusCode.valueOf(304));
            if (!etag.isEmpty()) {
                client.getHeaders().set("ETag", etag);
            }
            for (String name : List.of("last-modified", "x-amz-version-id")) {
                String value = response.headers().getFirst(name);
                if (value != null) {
                    client.getHeaders().set(name, value);
                }
            }
            return drained.then(client.setComplete());
        }
        return null;
    }

    static QueryParameters versionOnly(QueryParameters query) {
        return query.without(name -> !name.equals("versionId"));
    }

    private static S3Exception unsatisfiable(long length) {
        return new S3Exception(S3ErrorCode.INVALID_RANGE, "The requested range is not satisfiable (object size " + length + ").");
    }

    static DataBufferFactory factory(ProxyExchange exchange) {
        return exchange.exchange().getResponse().bufferFactory();
    }
}
