package dev.s3seal.web;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyRegistry;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.EncryptOperator;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;

/**
 * PutObject under a client-side mode: a fresh data key per object, the verified plaintext
 * encrypted as it streams (format v1), the wrapped key and lengths in the object's metadata.
 * The upstream never receives its last byte unless the client's body verified.
 */
final class EncryptingUpload {

    private final UpstreamClient upstream;

    EncryptingUpload(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    Mono<Void> put(ProxyExchange exchange, PolicyDecision decision, KeyRegistry keys) {
        S3Request request = exchange.request();
        ForwardHandler.VerifiedBody body = ForwardHandler.VerifiedBody.of(exchange);
        long plaintextLength = body.length();
        int segmentSize = decision.options().segmentSize();
        KeyDefinition keyDefinition = decision.key().orElseThrow(() ->
                new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The policy rule has no key."));
        KeyContext context = KeyContext.of(request.bucket(), request.key(), keys.contextFor(keyIdOf(keyDefinition)));
        byte[] clientMd5 = clientMd5(request);
        DataBufferFactory factory = exchange.exchange().getResponse().bufferFactory();
        return keys.writer(keyDefinition).generateDataKey(context)
                .onErrorMap(KeyFailures::toS3)
                .flatMap(dataKey -> {
                    EncryptOperator encrypt;
                    Map<String, List<String>> headers;
                    try (dataKey) {
                        headers = upstreamHeaders(request, metadata(dataKey, plaintextLength, segmentSize, clientMd5));
                        encrypt = new EncryptOperator(
                                SegmentEncryptor.forObject(dataKey.plaintext(), segmentSize, plaintextLength), factory);
                    }
                    long ciphertextLength = CiphertextSizes.ciphertextLength(plaintextLength, segmentSize);
                    UpstreamRequest put = new UpstreamRequest("PUT", request.bucket(), request.key(),
                            ForwardHandler.withoutPresignParameters(request.query()), headers, ciphertextLength);
                    Flux<DataBuffer> ciphertext = body.content().transform(encrypt);
                    // checksums in the answer describe the stored ciphertext, not what the client sent
                    return ForwardHandler.send(upstream, exchange, put, ciphertext, EnvelopeHeaders::stripChecksums);
                });
    }

    private static EnvelopeMetadata metadata(DataKey dataKey, long plaintextLength, int segmentSize, byte[] clientMd5) {
        WrappedKey wrapped = dataKey.wrapped();
        byte[] sealedMd5 = clientMd5 == null ? null : EnvelopeMetadata.sealMd5(dataKey.plaintext(), clientMd5, plaintextLength);
        return new EnvelopeMetadata(ObjectFormat.VERSION_1, wrapped.provider(), wrapped.keyId(), wrapped.keyVersion(),
                wrapped.ciphertext(), plaintextLength, segmentSize, sealedMd5, null, null);
    }

    /**
     * The client's headers minus what described its plaintext body (s3seal verified those and
     * they do not hold for the ciphertext), plus the envelope entries.
     */
    private static Map<String, List<String>> upstreamHeaders(S3Request request, EnvelopeMetadata metadata) {
        Map<String, List<String>> headers = new LinkedHashMap<>(
                ForwardedHeaders.toUpstream(request.headers(), request.header("x-amz-trailer") != null));
        headers.keySet().removeIf(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            return lower.equals("content-md5") || lower.startsWith("x-amz-checksum-")
                    || lower.equals("x-amz-sdk-checksum-algorithm");
        });
        metadata.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        return headers;
    }

    private static byte[] clientMd5(S3Request request) {
        String md5 = request.header("content-md5");
        if (md5 == null) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(md5.trim());
            return bytes.length == 16 ? bytes : null;
        } catch (IllegalArgumentException malformed) {
            return null; // the payload verifier answers InvalidDigest for it
        }
    }

    static String keyIdOf(KeyDefinition key) {
        return key instanceof KeyDefinition.KmsKey kms ? kms.keyId() : key.name();
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
