package dev.s3seal.web.copy;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.Format;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.CarriedObjectSettings;
import dev.s3seal.web.envelope.PlaintextChecksums;
import dev.s3seal.web.exchange.BodyChecksum;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.forward.ServerSideEncryptionHandler;
import dev.s3seal.web.object.EncryptingUpload;
import dev.s3seal.web.object.S3ecUpload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * CopyObject that changes how the object is protected (plaintext or SSE to a client-side mode, a
 * client-side mode to plaintext or SSE, or one client-side key to another), or whose source or
 * destination is in the AWS S3 Encryption Client's format: the source is read (decrypted and
 * authenticated when it is encrypted) and written again as the destination's policy says
 * (s3seal's format, or the client's under {@code format: s3ec-v3}), streaming with bounded memory. A key change re-encrypts under a fresh data key
 * rather than re-wrapping, so the destination never depends on the source's master key.
 */
public final class StreamingCopy {

    private final UpstreamClient upstream;
    private final CopySourceReader reader;
    private final EncryptingUpload upload;
    private final S3ecUpload clientFormatUpload;

    private final CarriedObjectSettings settings;

    StreamingCopy(
            UpstreamClient upstream, CopySourceReader reader, EncryptingUpload upload, S3ecUpload clientFormatUpload) {
        this.settings = new CarriedObjectSettings(new SmallExchanges(upstream));
        this.upstream = upstream;
        this.reader = reader;
        this.upload = upload;
        this.clientFormatUpload = clientFormatUpload;
    }

    Mono<SmallExchanges.Answer> copy(ProxyExchange exchange, CopySourceObject source, ObjectKeys keys) {
        S3Request request = exchange.request();
        DataBufferFactory factory = exchange.exchange().getResponse().bufferFactory();
        Flux<DataBuffer> plaintext = source.plaintextLength() == 0 && !source.encrypted()
                ? Flux.empty()
                : reader.plaintext(source, 0, source.plaintextLength() - 1, factory);
        return reader.verifiedIfEmpty(source)
                .then(Mono.defer(() -> CopiedMetadata.withTagging(
                        settings,
                        request,
                        source,
                        CopiedMetadata.destinationHeaders(request, source.stored(), false),
                        factory)))
                .flatMap(headers -> write(exchange, source, keys, headers, plaintext));
    }

    private Mono<SmallExchanges.Answer> write(
            ProxyExchange exchange,
            CopySourceObject source,
            ObjectKeys keys,
            Map<String, List<String>> headers,
            Flux<DataBuffer> plaintext) {
        S3Request request = exchange.request();
        PolicyDecision destination = exchange.decision();
        EncryptingUpload.Target target =
                new EncryptingUpload.Target(request.bucket(), request.key(), QueryParameters.empty(), headers);
        if (destination.options().format() == Format.S3EC_V3
                && destination.mode().clientSide()) {
            return inClientFormat(exchange, source, keys, target, plaintext);
        }
        if (destination.encryptsBody()) {
            return upload.store(
                            exchange,
                            destination,
                            keys,
                            target,
                            plaintext,
                            source.plaintextLength(),
                            plaintextMd5(source),
                            BodyChecksum.known(PlaintextChecksums.keptByCopy(source.envelope(), source.dataKey())))
                    .map(outcome -> outcome.stored()
                            ? CopyResults.object(source, outcome.response(), outcome.etag(), null)
                            : new SmallExchanges.Answer(outcome.response(), outcome.error()));
        }
        return putPlain(request, destination, source, headers, plaintext);
    }

    /** A destination under {@code format: s3ec-v3}: written as the AWS client writes it; its ETag is the upstream's. */
    private Mono<SmallExchanges.Answer> inClientFormat(
            ProxyExchange exchange,
            CopySourceObject source,
            ObjectKeys keys,
            EncryptingUpload.Target target,
            Flux<DataBuffer> plaintext) {
        if (!(keys instanceof KeyRegistry registry)) {
            return Mono.error(unsupportedDestination(exchange.decision()));
        }
        return clientFormatUpload
                .store(exchange, exchange.decision(), registry, target, plaintext, source.plaintextLength())
                .map(answer -> {
                    if (!answer.isSuccess()) {
                        return answer;
                    }
                    String etag = answer.response().headers().getFirst("etag");
                    return CopyResults.object(source, answer.response(), etag == null ? "" : etag, null);
                });
    }

    /** Passthrough, or SSE-S3 / SSE-KMS with the rule's headers: the upstream stores (and encrypts) the plaintext. */
    private Mono<SmallExchanges.Answer> putPlain(
            S3Request request,
            PolicyDecision destination,
            CopySourceObject source,
            Map<String, List<String>> headers,
            Flux<DataBuffer> plaintext) {
        Map<String, List<String>> sent = new LinkedHashMap<>(headers);
        switch (destination.mode()) {
            case SSE_S3, SSE_KMS ->
                ServerSideEncryptionHandler.requiredHeaders(destination)
                        .forEach((name, value) -> sent.put(name, List.of(value)));
            case PASSTHROUGH -> {}
            default -> throw unsupportedDestination(destination);
        }
        UpstreamRequest put = new UpstreamRequest(
                "PUT", request.bucket(), request.key(), QueryParameters.empty(), sent, source.plaintextLength());
        return new SmallExchanges(upstream).send(put, plaintext).map(answer -> {
            if (!answer.isSuccess()) {
                return answer;
            }
            String etag = answer.response().headers().getFirst("etag");
            return CopyResults.object(source, answer.response(), etag == null ? "" : etag, null);
        });
    }

    /** Client-side, passthrough, SSE-S3 and SSE-KMS destinations are written by s3seal; SSE-C ones are not (yet). */
    static boolean supportsDestination(PolicyDecision destination) {
        return switch (destination.mode()) {
            case CSE_LOCAL, CSE_KMS, PASSTHROUGH, SSE_S3, SSE_KMS -> true;
            case SSE_C -> destination.emulatesSseC();
            default -> false;
        };
    }

    static S3Exception unsupportedDestination(PolicyDecision destination) {
        return new S3Exception(
                S3ErrorCode.NOT_IMPLEMENTED,
                "s3seal does not copy objects it encrypted client-side " + "to a destination under policy mode "
                        + destination.mode().yamlName() + ".");
    }

    /** The source's plaintext MD5 when s3seal sealed it (then the destination gets it sealed at once). */
    private static byte[] plaintextMd5(CopySourceObject source) {
        EnvelopeMetadata envelope = source.envelope();
        if (envelope == null || envelope.sealedMd5() == null || envelope.manifest() != null) {
            return null;
        }
        return EnvelopeMetadata.openMd5(source.dataKey(), envelope.sealedMd5(), envelope.plaintextLength());
    }
}
