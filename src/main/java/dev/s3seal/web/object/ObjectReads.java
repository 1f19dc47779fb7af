package dev.s3seal.web.object;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.envelope.PlaintextChecksums;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.UpstreamAnswers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The steps every read of an object shares, whatever its format and whatever part of it is asked for:
 * the upstream request built from the client's, the object's data key (owned, wiped on every path),
 * the client's conditions evaluated against the ETag it sees, and the response headers.
 */
public final class ObjectReads {

    private ObjectReads() {}

    /** What a 206 answer says besides its bytes. */
    record PartialAnswer(String clientEtag, long objectLength, Integer partsCount) {}

    /** The client's ETag for the object, and the answer that ends the read when its conditions are not met. */
    record CheckedRead(String clientEtag, Optional<Mono<Void>> unmet) {}

    /** The client's read request with its conditions, without its own range or body framing. */
    static UpstreamRequest read(String method, S3Request request, Map<String, List<String>> extra) {
        Map<String, List<String>> headers = new LinkedHashMap<>(ForwardedHeaders.toUpstream(request.headers(), false));
        boolean ifMatch = request.header("if-match") != null;
        boolean ifNoneMatch = request.header("if-none-match") != null;
        headers.keySet().removeIf(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // If-Match / If-None-Match name the ETags the client saw (plaintext MD5s): s3seal evaluates
            // them itself (unmet); each overrides its date-based partner, as in S3
            return lower.equals("range")
                    || lower.equals("x-amz-checksum-mode")
                    || PlaintextEtags.EVALUATED.contains(lower)
                    || (ifMatch && lower.equals("if-unmodified-since"))
                    || (ifNoneMatch && lower.equals("if-modified-since"));
        });
        headers.putAll(extra);
        // a part number is turned into a plaintext range by s3seal, never sent upstream
        return new UpstreamRequest(
                method,
                request.bucket(),
                request.key(),
                request.query().without(name -> name.equals("partNumber")),
                headers,
                -1);
    }

    /**
     * Runs {@code use} with the object's data key. The key is owned here: it is wiped when the Mono
     * {@code use} returns ends, fails or is cancelled, so {@code use} derives what it needs (a
     * decryptor holds its own keys) and returns; nothing downstream sees the key.
     */
    public static <T> Mono<T> withDataKey(
            ObjectKeys keys, EnvelopeMetadata envelope, S3Request request, Function<DataKey, Mono<T>> use) {
        return Mono.usingWhen(
                dataKey(keys, envelope, request),
                key -> Mono.defer(() -> use.apply(key)),
                key -> Mono.fromRunnable(key::close));
    }

    private static Mono<DataKey> dataKey(ObjectKeys keys, EnvelopeMetadata envelope, S3Request request) {
        WrappedKey wrapped =
                new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
        KeyContext context = ObjectContexts.forRead(keys, request.bucket(), request.key(), envelope);
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context))
                .map(plaintext -> new DataKey(plaintext, wrapped))
                .onErrorMap(KeyFailures::toS3);
    }

    /** The ETag the client sees: the plaintext MD5 when the object carries it sealed, else the upstream's. */
    public static String clientEtag(EnvelopeMetadata envelope, byte[] dataKey, String upstreamEtag) {
        String plaintext = PlaintextEtags.of(envelope, dataKey);
        return plaintext != null ? plaintext : upstreamEtag == null ? "" : upstreamEtag;
    }

    /**
     * The checksum a whole read answers when the client asked for it ({@code x-amz-checksum-mode:
     * ENABLED}) and the object carries one; S3 answers none for ranges and without the mode.
     *
     * @throws dev.s3seal.crypto.AuthenticationFailedException when the sealed entry was altered
     */
    static Optional<PlaintextChecksums.Answer> checksumAsked(
            S3Request request, EnvelopeMetadata envelope, byte[] dataKey) {
        return checksumWanted(request, envelope) ? PlaintextChecksums.of(envelope, dataKey) : Optional.empty();
    }

    /** True when a whole read asks for the checksum of an object that carries one (its key is then needed). */
    static boolean checksumWanted(S3Request request, EnvelopeMetadata envelope) {
        return envelope.sealedChecksum() != null
                && PlaintextChecksums.asked(request.header(PlaintextChecksums.MODE_HEADER))
                && ReadSelection.of(request).isWhole();
    }

    /** The client's ETag (which needs the key when the object carries its MD5 sealed) and its conditions. */
    static CheckedRead check(
            ProxyExchange exchange, UpstreamResponse response, EnvelopeMetadata envelope, DataKey dataKey) {
        String clientEtag =
                clientEtag(envelope, dataKey.plaintext(), response.headers().getFirst("etag"));
        return new CheckedRead(clientEtag, unmet(exchange, response, Flux.empty(), clientEtag));
    }

    /**
     * S3's If-Match / If-None-Match against {@code etag}, the ETag the client sees: the answer (412 or
     * 304, after {@code body} is released) when a condition is not met, empty when the read goes on.
     */
    static Optional<Mono<Void>> unmet(
            ProxyExchange exchange, UpstreamResponse response, Flux<DataBuffer> body, String etag) {
        S3Request request = exchange.request();
        String ifMatch = request.header("if-match");
        String ifNoneMatch = request.header("if-none-match");
        if (ifMatch != null && !PlaintextEtags.matches(ifMatch, etag)) {
            return Optional.of(drain(body).then(Mono.error(new S3Exception(S3ErrorCode.PRECONDITION_FAILED))));
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
            return Optional.of(drain(body).then(client.setComplete()));
        }
        return Optional.empty();
    }

    /**
     * An object without s3seal's envelope under a client-side rule: served as stored only when the
     * policy allows unencrypted reads (migration); upstream errors (404, 304, 412, ...) pass as they are.
     */
    static Mono<Void> passUnencrypted(
            ProxyExchange exchange, PolicyDecision decision, UpstreamResponse response, Flux<DataBuffer> body) {
        if (response.isSuccess() && decision.options().allowUnencryptedReads()) {
            Optional<Mono<Void>> unmet = unmet(exchange, response, body, etagOf(response));
            if (unmet.isPresent()) {
                return unmet.get();
            }
        }
        if (!response.isSuccess() || decision.options().allowUnencryptedReads()) {
            return relayPlain(exchange, response, body);
        }
        return drain(body)
                .then(Mono.error(new S3Exception(
                        S3ErrorCode.ACCESS_DENIED,
                        "The object is not encrypted by s3seal and the policy does not allow unencrypted reads.")));
    }

    /** The client's read sent upstream as it came (its range, part number and conditions): for plain objects. */
    static Mono<Void> forwardAsAsked(UpstreamClient upstream, ProxyExchange exchange) {
        S3Request request = exchange.request();
        UpstreamRequest asAsked = new UpstreamRequest(
                request.method(),
                request.bucket(),
                request.key(),
                request.query(),
                ForwardedHeaders.toUpstream(request.headers(), false),
                -1);
        return upstream.exchange(asAsked, Flux.empty(), (response, body) -> relayPlain(exchange, response, body))
                .then();
    }

    private static Mono<Void> relayPlain(ProxyExchange exchange, UpstreamResponse response, Flux<DataBuffer> body) {
        Mono<Void> write = UpstreamAnswers.relay(exchange, response, body);
        EnvelopeHeaders.stripEnvelopeEntries(exchange.exchange().getResponse().getHeaders());
        return write;
    }

    /** The response headers of a decrypted read: the upstream's, without the ciphertext's facts. */
    static void copyHeaders(
            UpstreamResponse upstreamResponse, ServerHttpResponse client, long contentLength, String etag) {
        ForwardedHeaders.copyToClient(upstreamResponse.headers(), client.getHeaders());
        EnvelopeHeaders.stripCiphertextFacts(client.getHeaders());
        if (etag != null && !etag.isEmpty()) {
            client.getHeaders().set("ETag", etag);
        }
        client.getHeaders().setContentLength(contentLength);
        client.getHeaders().set("Accept-Ranges", "bytes");
    }

    /** Content-Range, and the part count when a part of a multipart object was asked for. */
    static void partialHeaders(ServerHttpResponse client, long start, long keep, PartialAnswer answer) {
        client.getHeaders()
                .set("Content-Range", "bytes " + start + "-" + (start + keep - 1) + "/" + answer.objectLength());
        if (answer.partsCount() != null) {
            client.getHeaders().set("x-amz-mp-parts-count", Integer.toString(answer.partsCount()));
        }
    }

    /** An object whose multipart upload was completed but never sealed: unreadable (fail closed). */
    public static S3Exception unsealed() {
        return new S3Exception(
                S3ErrorCode.INVALID_OBJECT_STATE,
                "The object's multipart upload was not sealed by s3seal; it cannot be read. Upload it again.");
    }

    /** The object changed between two upstream reads of one client read: the client retries. */
    static S3Exception changedWhileRead() {
        return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The object changed while it was read; retry.");
    }

    static QueryParameters versionOnly(QueryParameters query) {
        return query.without(name -> !name.equals("versionId"));
    }

    static DataBufferFactory factory(ProxyExchange exchange) {
        return exchange.exchange().getResponse().bufferFactory();
    }

    static String etagOf(UpstreamResponse response) {
        String etag = response.headers().getFirst("etag");
        return etag == null ? "" : etag;
    }

    /** Releases every buffer of a body s3seal does not pass on. */
    static <T> Mono<T> drain(Flux<DataBuffer> body) {
        return Buffers.releaseAll(body).then(Mono.empty());
    }
}
