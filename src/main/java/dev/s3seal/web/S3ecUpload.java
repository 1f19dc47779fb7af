package dev.s3seal.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;

import dev.s3seal.stream.CryptoTraffic;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.keys.KeyRegistry;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;

/**
 * PutObject under a rule with {@code format: s3ec-v3}: the object is written exactly as the AWS S3 Encryption
 * Client v4 writes it (V3, suite 0x0073, key-committing), one AES-GCM stream over the whole verified body with
 * the tag appended, so that client reads it directly from the bucket. Streamed: memory is one chunk.
 *
 * <p>The ETag the client gets is the upstream's (an MD5 of the ciphertext), the one HEAD, GET and listings show
 * for such objects too; the plaintext MD5 is not kept, since the client's format has no place for it.
 */
final class S3ecUpload {

    private final UpstreamClient upstream;

    S3ecUpload(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    Mono<Void> put(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys) {
        S3Request request = exchange.request();
        refuseClientEnvelopeEntries(request);
        ForwardHandler.VerifiedBody body = ForwardHandler.VerifiedBody.of(exchange);
        KeyDefinition key = decision.key().orElseThrow(() ->
                new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The policy rule has no key."));
        return keys.s3ec().materials(key)
                .onErrorMap(S3ecFailures::toS3)
                .flatMap(materials -> {
                    Flux<DataBuffer> ciphertext = body.content()
                            .doOnNext(buffer -> CryptoTraffic.encrypted(buffer.readableByteCount()))
                            .transform(materials.encryptOperator(exchange.exchange().getResponse().bufferFactory()));
                    UpstreamRequest put = new UpstreamRequest("PUT", request.bucket(), request.key(),
                            ForwardHandler.withoutPresignParameters(request.query()),
                            upstreamHeaders(request, materials.metadata()),
                            S3ecEncryptionMaterials.ciphertextLength(body.length()));
                    return send(exchange, put, ciphertext).doFinally(signal -> materials.close());
                });
    }

    private Mono<Void> send(ProxyExchange exchange, UpstreamRequest put, Flux<DataBuffer> ciphertext) {
        java.util.concurrent.atomic.AtomicReference<Throwable> bodyFailure = new java.util.concurrent.atomic.AtomicReference<>();
        return upstream.exchange(put, ciphertext.doOnError(bodyFailure::set), (response, responseBody) -> {
                    Mono<Void> write = ForwardHandler.writeResponse(exchange, response, responseBody);
                    // checksums the upstream computed describe the ciphertext, not what the client sent
                    EnvelopeHeaders.stripChecksums(exchange.exchange().getResponse().getHeaders());
                    return write;
                })
                .then()
                // a body that failed its signature or checksum is the client's error, not the upstream's
                .onErrorMap(error -> bodyFailure.get() != null ? bodyFailure.get() : error);
    }

    /** The client format's envelope is written by s3seal only: a client's own entries would make it ambiguous. */
    private static void refuseClientEnvelopeEntries(S3Request request) {
        for (String name : request.headers().keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(S3ecMetadata.USER_METADATA_PREFIX)
                    && S3ecMetadata.isFormatEntry(lower.substring(S3ecMetadata.USER_METADATA_PREFIX.length()))) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The metadata name " + lower
                        + " belongs to the S3 Encryption Client envelope that s3seal writes under this rule.");
            }
        }
    }

    /** The client's headers minus what described its plaintext body, plus the client format's envelope. */
    private static Map<String, List<String>> upstreamHeaders(S3Request request, S3ecMetadata metadata) {
        Map<String, List<String>> headers = EncryptingUpload.clientHeaders(request);
        metadata.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        return headers;
    }
}
