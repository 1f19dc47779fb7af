package dev.s3seal.web.object;

import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.crypto.s3ec.S3ecReadOptions;
import dev.s3seal.crypto.s3ec.UnauthenticatedRange;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.ByteRangeHeader;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.CryptoTraffic;
import dev.s3seal.stream.HoldBackLastBufferOperator;
import dev.s3seal.stream.s3ec.S3ecTwoPassDecryptOperator;
import dev.s3seal.stream.s3ec.UnauthenticatedRangeOperator;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3ecFailures;
import dev.s3seal.web.exchange.UpstreamAnswers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * GetObject and HeadObject of objects in the AWS S3 Encryption Client's format (V2 or V3, written by that
 * client or by s3seal under {@code format: s3ec-v3}), under any client-side rule: the format is told by the
 * object's metadata, not by the rule.
 *
 * <p>One GCM tag covers the whole object, so a whole GET (and part 1, which is the whole object) reads it twice:
 * the first upstream GET is authenticated completely without releasing a byte, then a second GET pinned with
 * If-Match to the first one's ETag is decrypted and streamed ({@link S3ecTwoPassDecryptOperator}). A tag failure
 * is therefore a proper S3 error before the first byte. The second pass checks the tag again and still holds back
 * its last buffer ({@link HoldBackLastBufferOperator}) as defence in depth. The price: two upstream GETs, and the
 * first byte only after one full read.
 *
 * <p>Ranges cannot be authenticated without reading the whole object; they are refused unless the rule sets
 * {@code allow-unauthenticated-s3ec-ranges}, and then served as AES-CTR over the covering blocks. ETags are the
 * upstream's (the format keeps no plaintext MD5).
 */
public final class S3ecDownload {

    private final UpstreamClient upstream;

    S3ecDownload(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /** True when the upstream object carries the client format's envelope. */
    public static boolean isS3ec(HttpHeaders upstreamHeaders) {
        return S3ecMetadata.looksEncrypted(userMetadata(upstreamHeaders));
    }

    /** HEAD answers for what a GET with the same Range or partNumber would send (part 1 is the whole object). */
    Mono<Void> head(
            ProxyExchange exchange,
            PolicyDecision decision,
            UpstreamResponse response,
            Flux<DataBuffer> body,
            ReadSelection selection) {
        long plaintextLength;
        try {
            // a HEAD answers for what a GET could read: unsupported envelopes fail here too
            S3ecMetadata metadata = metadata(response.headers());
            plaintextLength =
                    S3ecContentKey.plaintextLength(response.headers().getContentLength(), metadata.unencryptedLength());
        } catch (S3ecException invalid) {
            return ObjectReads.<Void>drain(body).then(Mono.error(S3ecFailures.toS3(invalid)));
        }
        Optional<Mono<Void>> unmet = ObjectReads.unmet(exchange, response, body, ObjectReads.etagOf(response));
        if (unmet.isPresent()) {
            return unmet.get();
        }
        return ObjectReads.<Void>drain(body).then(Mono.defer(() -> {
            ServerHttpResponse client = exchange.exchange().getResponse();
            if (selection.isWholeOfSinglePart(plaintextLength)) {
                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                copyHeaders(response, client, plaintextLength, decision);
                return client.setComplete();
            }
            Optional<RangeMapping.PlaintextRange> part = selection.resolveSinglePart(plaintextLength);
            if (part.isEmpty()) {
                return Mono.error(selection.unsatisfiable(plaintextLength));
            }
            client.setStatusCode(HttpStatusCode.valueOf(206));
            copyHeaders(response, client, part.get().length(), decision);
            contentRange(client, part.get().start(), part.get().endInclusive(), plaintextLength);
            return client.setComplete();
        }));
    }

    /**
     * A whole GET (or, with {@code asPartOne}, GET ?partNumber=1, answered 206 with the whole object's range),
     * verified then streamed: nothing is sent before the first read authenticated completely.
     */
    Mono<Void> getWhole(
            ProxyExchange exchange,
            PolicyDecision decision,
            ObjectKeys keys,
            UpstreamResponse response,
            Flux<DataBuffer> body,
            boolean asPartOne) {
        S3ecMetadata metadata;
        long plaintextLength;
        try {
            metadata = metadata(response.headers());
            plaintextLength =
                    S3ecContentKey.plaintextLength(response.headers().getContentLength(), metadata.unencryptedLength());
        } catch (S3ecException invalid) {
            return ObjectReads.<Void>drain(body).then(Mono.error(S3ecFailures.toS3(invalid)));
        }
        String etag = ObjectReads.etagOf(response);
        Optional<Mono<Void>> unmet = ObjectReads.unmet(exchange, response, body, etag);
        if (unmet.isPresent()) {
            return unmet.get();
        }
        // when the key fails the body is never subscribed: the upstream connection is closed, not drained
        return contentKey(keys, decision, metadata).flatMap(contentKey -> {
            ServerHttpResponse client = exchange.exchange().getResponse();
            boolean partial = asPartOne && plaintextLength > 0;
            client.setStatusCode(HttpStatusCode.valueOf(partial ? 206 : 200));
            copyHeaders(response, client, plaintextLength, decision);
            if (partial) {
                contentRange(client, 0, plaintextLength - 1, plaintextLength);
            }
            Flux<DataBuffer> plaintext = body.transform(new S3ecTwoPassDecryptOperator(
                            contentKey, client.bufferFactory(), () -> secondRead(exchange, etag)))
                    .onErrorMap(S3ecFailures::toS3)
                    .transform(new HoldBackLastBufferOperator())
                    .doOnNext(buffer -> CryptoTraffic.decrypted(buffer.readableByteCount()))
                    .doFinally(signal -> contentKey.close());
            return client.writeWith(plaintext).doFinally(signal -> contentKey.close());
        });
    }

    /**
     * The second GET of a whole read, pinned to the ETag of the first (already authenticated) one. Any failure
     * (412 when the object was replaced, 404 when deleted, an upstream error) comes before the first byte: the
     * client is told to retry.
     */
    private Flux<DataBuffer> secondRead(ProxyExchange exchange, String etag) {
        Map<String, List<String>> pin = etag.isEmpty() ? Map.of() : Map.of("if-match", List.of(etag));
        UpstreamRequest again = ObjectReads.read("GET", exchange.request(), pin);
        return upstream.exchange(
                again,
                Flux.empty(),
                (response, body) -> response.isSuccess()
                        ? body
                        : ObjectReads.<DataBuffer>drain(body)
                                .then(Mono.<DataBuffer>error(ObjectReads.changedWhileRead())));
    }

    private static void contentRange(ServerHttpResponse client, long first, long last, long length) {
        client.getHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + length);
    }

    /**
     * A ranged GET, after s3seal's first (header) read found the object in the client's format: refused unless
     * the rule allows unauthenticated ranges, else the covering ciphertext blocks pinned to the same ETag.
     */
    Mono<Void> getRange(
            ProxyExchange exchange,
            PolicyDecision decision,
            ObjectKeys keys,
            UpstreamResponse headerResponse,
            Flux<DataBuffer> headerBody,
            ByteRangeHeader range) {
        return ObjectReads.<Void>drain(headerBody).then(Mono.defer(() -> {
            if (!decision.options().allowUnauthenticatedS3ecRanges()) {
                return Mono.error(new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "Ranged reads of objects in the AWS S3"
                                + " Encryption Client format cannot be authenticated; the policy does not allow them"
                                + " (rule option allow-unauthenticated-s3ec-ranges). Read the whole object instead."));
            }
            S3ecMetadata metadata;
            UnauthenticatedRange covering;
            long plaintextLength;
            try {
                metadata = metadata(headerResponse.headers());
                long ciphertextLength = totalLength(headerResponse);
                plaintextLength = S3ecContentKey.plaintextLength(ciphertextLength, metadata.unencryptedLength());
                Optional<RangeMapping.PlaintextRange> resolved =
                        RangeMapping.resolve(range.first(), range.last(), plaintextLength);
                if (resolved.isEmpty()) {
                    return Mono.error(new S3Exception(
                            S3ErrorCode.INVALID_RANGE,
                            "The requested range is not satisfiable (object size " + plaintextLength + ")."));
                }
                covering = UnauthenticatedRange.of(
                        resolved.get().start(), resolved.get().endInclusive(), ciphertextLength);
            } catch (S3ecException invalid) {
                return Mono.error(S3ecFailures.toS3(invalid));
            }
            String etag = ObjectReads.etagOf(headerResponse);
            Optional<Mono<Void>> unmet = ObjectReads.unmet(exchange, headerResponse, Flux.empty(), etag);
            if (unmet.isPresent()) {
                return unmet.get();
            }
            return contentKey(keys, decision, metadata)
                    .flatMap(contentKey ->
                            sendRange(exchange, decision, headerResponse, contentKey, covering, plaintextLength, etag));
        }));
    }

    private Mono<Void> sendRange(
            ProxyExchange exchange,
            PolicyDecision decision,
            UpstreamResponse headerResponse,
            S3ecContentKey contentKey,
            UnauthenticatedRange covering,
            long plaintextLength,
            String etag) {
        Map<String, List<String>> pin = new LinkedHashMap<>();
        pin.put("range", List.of(covering.upstreamRangeHeader()));
        if (!etag.isEmpty()) {
            pin.put("if-match", List.of(etag));
        }
        UpstreamRequest blocks = ObjectReads.read("GET", exchange.request(), pin);
        return upstream.exchange(blocks, Flux.empty(), (response, body) -> {
                    if (response.status() == 412) {
                        return ObjectReads.<Void>drain(body).then(Mono.<Void>error(ObjectReads.changedWhileRead()));
                    }
                    if (!response.isSuccess()) {
                        return UpstreamAnswers.relay(exchange, response, body);
                    }
                    ServerHttpResponse client = exchange.exchange().getResponse();
                    client.setStatusCode(HttpStatusCode.valueOf(206));
                    copyHeaders(headerResponse, client, covering.length(), decision);
                    contentRange(client, covering.first(), covering.last(), plaintextLength);
                    UnauthenticatedRangeOperator decrypt = new UnauthenticatedRangeOperator(
                            contentKey, covering, new S3ecReadOptions(true), client.bufferFactory());
                    return client.writeWith(body.transform(decrypt)
                            .onErrorMap(S3ecFailures::toS3)
                            .doOnNext(buffer -> CryptoTraffic.decrypted(buffer.readableByteCount())));
                })
                .then()
                .doFinally(signal -> contentKey.close());
    }

    /** Unwraps the data key with the rule's key and checks the V3 commitment; the data key is wiped here. */
    public static Mono<S3ecContentKey> contentKey(ObjectKeys keys, PolicyDecision decision, S3ecMetadata metadata) {
        if (!(keys instanceof KeyRegistry registry)) {
            // a key that comes with the request (sse-c emulated) never wrapped an AWS client object
            return Mono.error(new S3Exception(
                    S3ErrorCode.ACCESS_DENIED,
                    "The object is encrypted by the AWS S3 Encryption Client, not with the customer key given."));
        }
        return registry.s3ec()
                .unwrap(metadata, decision.key().orElse(null))
                .map(dataKey -> {
                    try {
                        return S3ecContentKey.forDecryption(metadata, dataKey);
                    } finally {
                        java.util.Arrays.fill(dataKey, (byte) 0);
                    }
                })
                .onErrorMap(S3ecFailures::toS3);
    }

    /** The client format's envelope of an upstream object; {@link S3ecException} when not supported or not valid. */
    public static S3ecMetadata metadata(HttpHeaders upstreamHeaders) {
        Map<String, String> first = new LinkedHashMap<>();
        upstreamHeaders.forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.put(name, values.get(0));
            }
        });
        return S3ecMetadata.fromHeaders(first);
    }

    private static Map<String, String> userMetadata(HttpHeaders upstreamHeaders) {
        Map<String, String> user = new LinkedHashMap<>();
        upstreamHeaders.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(S3ecMetadata.USER_METADATA_PREFIX) && !values.isEmpty()) {
                user.put(lower.substring(S3ecMetadata.USER_METADATA_PREFIX.length()), values.get(0));
            }
        });
        return user;
    }

    /** The stored length from {@code Content-Range: bytes a-b/total} of the header read (or its Content-Length). */
    private static long totalLength(UpstreamResponse response) {
        String contentRange = response.headers().getFirst("content-range");
        if (contentRange != null && contentRange.lastIndexOf('/') > 0) {
            try {
                return Long.parseLong(contentRange
                        .substring(contentRange.lastIndexOf('/') + 1)
                        .trim());
            } catch (NumberFormatException unreadable) {
                throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "unreadable upstream Content-Range");
            }
        }
        return response.headers().getContentLength();
    }

    /** The client sees plaintext facts only: no envelope, no checksums or lengths of the ciphertext. */
    private static void copyHeaders(
            UpstreamResponse upstreamResponse, ServerHttpResponse client, long contentLength, PolicyDecision decision) {
        HttpHeaders headers = client.getHeaders();
        ForwardedHeaders.copyToClient(upstreamResponse.headers(), headers);
        EnvelopeHeaders.stripCiphertextFacts(headers);
        for (String name : List.copyOf(headers.headerNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(S3ecMetadata.USER_METADATA_PREFIX)
                    && S3ecMetadata.isFormatEntry(lower.substring(S3ecMetadata.USER_METADATA_PREFIX.length()))) {
                headers.remove(name);
            }
        }
        headers.setContentLength(contentLength);
        if (decision.options().allowUnauthenticatedS3ecRanges()) {
            headers.set("Accept-Ranges", "bytes");
        } else {
            headers.remove("Accept-Ranges");
        }
    }
}
