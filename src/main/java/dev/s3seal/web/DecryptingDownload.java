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

import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.policy.PolicyDecision;
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
 * GetObject and HeadObject of envelope-encrypted objects: plaintext sizes and ETags, conditions
 * evaluated against what the client sees, every byte authenticated before it is released. A whole
 * GET is one upstream request; ranges and part numbers are {@link RangedDownload}'s.
 */
final class DecryptingDownload {

    private final UpstreamClient upstream;
    private final RangedDownload ranged;
    private final S3ecDownload s3ec;

    DecryptingDownload(UpstreamClient upstream) {
        this.upstream = upstream;
        this.s3ec = new S3ecDownload(upstream);
        this.ranged = new RangedDownload(upstream, this, s3ec);
    }

    Mono<Void> head(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys) {
        return Mono.defer(() -> {
            ReadSelection selection = ReadSelection.of(exchange.request());
            return upstream.exchange(read("HEAD", exchange.request(), Map.of()), Flux.empty(), (response, body) -> {
                EnvelopeMetadata envelope = response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
                if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                    return s3ec.head(exchange, decision, response, body, selection);
                }
                if (envelope == null) {
                    if (response.isSuccess() && !selection.isWhole() && decision.options().allowUnencryptedReads()) {
                        return body.doOnNext(DataBufferUtils::release).then(forwardAsAsked(upstream, exchange));
                    }
                    return passUnencrypted(exchange, decision, response, body);
                }
                if (envelope.isPending()) {
                    return body.doOnNext(DataBufferUtils::release).then(Mono.<Void>error(MultipartReads.unsealed()));
                }
                return body.doOnNext(DataBufferUtils::release)
                        .then(Mono.defer(() -> answerHead(exchange, keys, response, envelope, selection)));
            }).then();
        });
    }

    /** HEAD's answer: the plaintext size of what a GET with the same Range or partNumber would send. */
    private static Mono<Void> answerHead(ProxyExchange exchange, ObjectKeys keys, UpstreamResponse response,
            EnvelopeMetadata envelope, ReadSelection selection) {
        String upstreamEtag = response.headers().getFirst("etag");
        boolean needsKey = keys.openOnEveryRead() || (envelope.sealedMd5() != null && envelope.manifest() == null)
                || (selection.partNumber() != null && envelope.manifest() != null);
        Mono<byte[]> key = needsKey ? dataKey(keys, envelope, exchange.request()) : Mono.just(new byte[0]);
        return key.flatMap(dataKey -> {
            String clientEtag;
            Optional<RangeMapping.PlaintextRange> resolved;
            try {
                clientEtag = needsKey ? clientEtag(envelope, dataKey, upstreamEtag) : upstreamEtag == null ? "" : upstreamEtag;
                resolved = selection.isWholeOf(envelope) ? Optional.empty()
                        : selection.resolve(envelope, () -> MultipartEnvelope.openManifest(envelope, dataKey, upstreamEtag));
            } finally {
                java.util.Arrays.fill(dataKey, (byte) 0);
            }
            Mono<Void> unmet = unmet(exchange, response, Flux.empty(), clientEtag);
            if (unmet != null) {
                return unmet;
            }
            ServerHttpResponse client = exchange.exchange().getResponse();
            long length = envelope.plaintextLength();
            if (selection.isWholeOf(envelope)) {
                copyHeaders(response, client, length, clientEtag);
                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                return client.setComplete();
            }
            if (resolved.isEmpty()) {
                return Mono.error(selection.unsatisfiable(length));
            }
            RangeMapping.PlaintextRange range = resolved.get();
            copyHeaders(response, client, range.length(), clientEtag);
            RangedDownload.partialHeaders(client, range.start(), range.length(),
                    new RangedDownload.PartialAnswer(clientEtag, length, selection.partsCount(envelope)));
            client.setStatusCode(HttpStatusCode.valueOf(206));
            return client.setComplete();
        });
    }

    Mono<Void> get(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys) {
        return Mono.defer(() -> {
            ReadSelection selection = ReadSelection.of(exchange.request());
            return selection.isWhole() ? getWhole(exchange, decision, keys)
                    : ranged.get(exchange, decision, keys, selection);
        });
    }

    Mono<Void> getWhole(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys) {
        return getWhole(exchange, decision, keys, false);
    }

    /** A whole read; {@code asPartOne} when it answers GET ?partNumber=1 of an object in the AWS client's format. */
    Mono<Void> getWhole(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys, boolean asPartOne) {
        S3Request request = exchange.request();
        return upstream.exchange(read("GET", request, Map.of()), Flux.empty(), (response, body) -> {
            EnvelopeMetadata envelope = response.isSuccess() ? EnvelopeHeaders.readStored(response.headers()) : null;
            if (envelope == null && response.isSuccess() && S3ecDownload.isS3ec(response.headers())) {
                return s3ec.getWhole(exchange, decision, keys, response, body, asPartOne);
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
                    decrypt = envelope.manifest() == null
                            ? DecryptOperator.object(dataKey, envelope.segmentSize(), envelope.plaintextLength(),
                                    factory(exchange))
                            : DecryptOperator.multipart(dataKey, MultipartEnvelope.openManifest(envelope, dataKey, etag),
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

    /** The client's read sent upstream as it came (its range, part number and conditions): for plain objects. */
    static Mono<Void> forwardAsAsked(UpstreamClient upstream, ProxyExchange exchange) {
        S3Request request = exchange.request();
        UpstreamRequest asAsked = new UpstreamRequest(request.method(), request.bucket(), request.key(),
                request.query(),
                ForwardedHeaders.toUpstream(request.headers(), false), -1);
        return upstream.exchange(asAsked, Flux.empty(), (r, b) -> {
            Mono<Void> write = ForwardHandler.writeResponse(exchange, r, b);
            EnvelopeHeaders.stripEnvelopeEntries(exchange.exchange().getResponse().getHeaders());
            return write;
        }).then();
    }

    /** The client's ETag for the object, or the answer that ends the request (412/304, or corrupt metadata). */
    record Preconditions(String clientEtag, Mono<Void> answer) {
    }

    /** Evaluates If-Match / If-None-Match against the ETag the client sees; wipes the data key when the request ends here. */
    static Preconditions preconditions(ProxyExchange exchange, UpstreamResponse response, EnvelopeMetadata envelope,
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
    static Mono<Void> passUnencrypted(ProxyExchange exchange, PolicyDecision decision, UpstreamResponse response,
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

    static Mono<byte[]> dataKey(ObjectKeys keys, EnvelopeMetadata envelope, S3Request request) {
        WrappedKey wrapped = new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(),
                envelope.wrappedKey());
        KeyContext context = ObjectContexts.forRead(keys, request.bucket(), request.key(), envelope);
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context)).onErrorMap(KeyFailures::toS3);
    }

    static void copyHeaders(UpstreamResponse upstreamResponse, ServerHttpResponse client, long contentLength,
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
        // a part number is turned into a plaintext range by s3seal, never sent upstream
        return new UpstreamRequest(method, request.bucket(), request.key(),
                request.query().without(name -> name.equals("partNumber")),
                headers, -1);
    }

    /** The ETag the client sees: the plaintext MD5 when the object carries it sealed, else the upstream's. */
    static String clientEtag(EnvelopeMetadata envelope, byte[] dataKey, String upstreamEtag) {
        String plaintext = PlaintextEtags.of(envelope, dataKey);
        return plaintext != null ? plaintext : upstreamEtag == null ? "" : upstreamEtag;
    }

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

    static DataBufferFactory factory(ProxyExchange exchange) {
        return exchange.exchange().getResponse().bufferFactory();
    }
}
