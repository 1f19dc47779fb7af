package dev.s3seal.web.copy;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.CarriedObjectSettings;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.multipart.LayoutPreservingCopy;
import dev.s3seal.web.multipart.MultipartXml;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Mono;

/**
 * CopyObject between two names under the same client-side key: the body stays on the upstream.
 * The source's data key (unwrapped for the source's name) is wrapped again for the destination's
 * name, and the upstream copies the ciphertext with the destination's envelope (metadata directive
 * REPLACE). The sealed MD5 and the multipart manifest are keyed by the data key alone, so they carry
 * over unchanged. A single-part source is one upstream CopyObject; a sealed multipart source is a
 * {@link LayoutPreservingCopy}, so the copy keeps the {@code -N} ETag its listed size depends on.
 */
final class ServerSideCopy {

    private final SmallExchanges small;
    private final LayoutPreservingCopy layoutCopy;

    private final CarriedObjectSettings settings;

    ServerSideCopy(SmallExchanges small) {
        this.settings = new CarriedObjectSettings(small);
        this.small = small;
        this.layoutCopy = new LayoutPreservingCopy(small);
    }

    Mono<SmallExchanges.Answer> copy(ProxyExchange exchange, CopySourceObject source, KeyRegistry keys) {
        S3Request request = exchange.request();
        KeyDefinition key = exchange.decision()
                .key()
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The policy rule has no key."));
        KeyContext context = ObjectContexts.forWrite(request.bucket(), request.key(), java.util.Optional.of(key));
        return Mono.defer(() -> keys.writer(key).wrap(source.dataKey(), context))
                .onErrorMap(KeyFailures::toS3)
                .flatMap(wrapped -> {
                    Map<String, List<String>> headers =
                            CopiedMetadata.destinationHeaders(request, source.stored(), true);
                    rewrapped(source.envelope(), wrapped, ObjectContexts.recorded(wrapped, context))
                            .toHeaders()
                            .forEach((name, value) -> headers.put(name, List.of(value)));
                    DataBufferFactory factory =
                            exchange.exchange().getResponse().bufferFactory();
                    String from = source.source().toHeaderValue();
                    if (source.multipart()) {
                        // a multipart copy is a CreateMultipartUpload: the tagging directive is s3seal's to apply
                        headers.remove("x-amz-tagging-directive");
                        return CopiedMetadata.withTagging(settings, request, source, headers, factory)
                                .flatMap(tagged -> layoutCopy.copy(
                                        from,
                                        source.upstreamEtag(),
                                        source.layout(),
                                        request.bucket(),
                                        request.key(),
                                        tagged,
                                        Map.of(),
                                        Map.of(),
                                        factory))
                                .map(done -> CopyResults.object(source, done.response(), source.clientEtag(), null));
                    }
                    return copySinglePart(request, source, from, headers, factory);
                });
    }

    private Mono<SmallExchanges.Answer> copySinglePart(
            S3Request request,
            CopySourceObject source,
            String from,
            Map<String, List<String>> headers,
            DataBufferFactory factory) {
        headers.put("x-amz-copy-source", List.of(from));
        headers.put("x-amz-metadata-directive", List.of("REPLACE"));
        if (source.upstreamEtag() != null) {
            headers.put("x-amz-copy-source-if-match", List.of(source.upstreamEtag()));
        }
        UpstreamRequest copy =
                SmallExchanges.request("PUT", request.bucket(), request.key(), QueryParameters.empty(), headers, null);
        return small.call(copy, null, factory).map(answer -> {
            if (answer.response().status() == 412) {
                throw LayoutPreservingCopy.sourceChanged();
            }
            if (answer.isErrorDocument()) {
                return answer;
            }
            return CopyResults.object(
                    source,
                    answer.response(),
                    source.clientEtag(),
                    MultipartXml.parse(answer.body()).field("LastModified"));
        });
    }

    /** The source's envelope with the data key wrapped for the destination (and its context). */
    private static EnvelopeMetadata rewrapped(
            EnvelopeMetadata source, WrappedKey wrapped, Map<String, String> recordedContext) {
        return new EnvelopeMetadata(
                ObjectFormat.VERSION_1,
                wrapped.provider(),
                wrapped.keyId(),
                wrapped.keyVersion(),
                wrapped.ciphertext(),
                source.plaintextLength(),
                source.segmentSize(),
                source.sealedMd5(),
                source.partCount(),
                source.manifest(),
                recordedContext,
                // keyed by the data key alone, like the MD5 and the manifest: still valid under the new wrap
                source.sealedChecksum(),
                // the same ciphertext, so the same stream header (the reader checks it as for any object)
                source.streamHeader());
    }
}
