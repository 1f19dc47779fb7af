package dev.s3seal.web.object;

import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.keys.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.CryptoTraffic;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3ecFailures;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.exchange.VerifiedBody;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes an object under a rule with {@code format: s3ec-v3} exactly as the AWS S3 Encryption Client v4 writes it
 * (V3, suite 0x0073, key-committing): one AES-GCM stream over the whole plaintext with the tag appended, so that
 * client reads it directly from the bucket. Streamed: memory is one chunk. One path for both writers: a PutObject
 * (the verified request body) and a CopyObject (the source's plaintext, {@code StreamingCopy}).
 *
 * <p>The ETag the client gets is the upstream's (an MD5 of the ciphertext), the one HEAD, GET and listings show
 * for such objects too; the plaintext MD5 is not kept, since the client's format has no place for it.
 */
public final class S3ecUpload {

    private final SmallExchanges upstream;

    public S3ecUpload(UpstreamClient upstream) {
        this.upstream = new SmallExchanges(upstream);
    }

    Mono<Void> put(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys) {
        S3Request request = exchange.request();
        EncryptingUpload.Target target = new EncryptingUpload.Target(
                request.bucket(), request.key(), request.query(), EncryptingUpload.clientHeaders(request));
        // refused before the body is taken, so the gateway still discards it unread
        refuseEnvelopeEntries(target.headers());
        VerifiedBody body = VerifiedBody.of(exchange);
        return store(exchange, decision, keys, target, body.content(), body.length())
                .flatMap(answer -> {
                    Mono<Void> write = SmallExchanges.write(exchange, answer.response(), answer.body());
                    // checksums the upstream computed describe the ciphertext, not what the client sent
                    EnvelopeHeaders.stripChecksums(
                            exchange.exchange().getResponse().getHeaders());
                    return write;
                });
    }

    /**
     * Encrypts {@code plaintext} ({@code plaintextLength} bytes) under fresh V3 materials of the decision's key and
     * stores it as {@code target} (whose headers carry no envelope: the client format's is added here). Answers the
     * upstream's response, success or error; a failure of {@code plaintext} itself (a body that did not verify, a
     * copy source that did not authenticate) is the error, and the upstream never got the whole body.
     */
    public Mono<SmallExchanges.Answer> store(
            ProxyExchange exchange,
            PolicyDecision decision,
            KeyRegistry keys,
            EncryptingUpload.Target target,
            Flux<DataBuffer> plaintext,
            long plaintextLength) {
        refuseEnvelopeEntries(target.headers());
        KeyDefinition key = decision.key()
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The policy rule has no key."));
        return keys.s3ec().materials(key).onErrorMap(S3ecFailures::toS3).flatMap(materials -> {
            // the whole-stream cipher has no length of its own to hold the body to
            Flux<DataBuffer> ciphertext = dev.s3seal.stream.ExactLength.of(plaintext, plaintextLength)
                    .doOnNext(buffer -> CryptoTraffic.encrypted(buffer.readableByteCount()))
                    .transform(materials.encryptOperator(
                            exchange.exchange().getResponse().bufferFactory()));
            Map<String, List<String>> headers = new LinkedHashMap<>(target.headers());
            materials.metadata().toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
            UpstreamRequest put = new UpstreamRequest(
                    "PUT",
                    target.bucket(),
                    target.key(),
                    target.query(),
                    headers,
                    S3ecEncryptionMaterials.ciphertextLength(plaintextLength));
            return upstream.send(put, ciphertext).doFinally(signal -> materials.close());
        });
    }

    /**
     * The client format's envelope is written by s3seal only: entries of it in the user metadata (sent by a
     * client, or carried from a copy source) would make it ambiguous.
     */
    private static void refuseEnvelopeEntries(Map<String, List<String>> headers) {
        for (String name : headers.keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(S3ecMetadata.USER_METADATA_PREFIX)
                    && S3ecMetadata.isFormatEntry(lower.substring(S3ecMetadata.USER_METADATA_PREFIX.length()))) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT,
                        "The metadata name " + lower
                                + " belongs to the S3 Encryption Client envelope that s3seal writes under this rule.");
            }
        }
    }
}
