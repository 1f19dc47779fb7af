package dev.s3seal.web.multipart;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.CopiedObjectHeaders;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.CarriedObjectSettings;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.SupersededVersions;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SmallExchanges;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

/**
 * The seal of a completed multipart object (docs/format.md 6.3): a layout-preserving server-side
 * self-copy (CreateMultipartUpload with the original metadata plus the final envelope, one
 * UploadPartCopy per original part with its exact byte range, CompleteMultipartUpload), so the
 * ETag keeps its {@code -N} and the metadata gains the plaintext length, part count and sealed
 * manifest. Every copy is pinned to the completed object's ETag; a failed seal is aborted and
 * leaves the object unsealed, which reads fail closed on.
 */
final class MultipartSeal {

    private final SmallExchanges small;
    private final LayoutPreservingCopy copy;
    private final CarriedObjectSettings settings;

    MultipartSeal(SmallExchanges small) {
        this.small = small;
        this.copy = new LayoutPreservingCopy(small);
        this.settings = new CarriedObjectSettings(small);
    }

    /** Seals the just-completed object; emits the final CompleteMultipartUpload answer. */
    Mono<SmallExchanges.Answer> seal(
            ProxyExchange exchange,
            MultipartUploadId id,
            MultipartManifest manifest,
            byte[] sealedManifest,
            byte[] sealedChecksum) {
        S3Request request = exchange.request();
        DataBufferFactory factory = exchange.exchange().getResponse().bufferFactory();
        MultipartLayout layout = new MultipartLayout(manifest, id.segmentSize());
        // an SSE-C object (the rule lets the client's key through) is read and copied with that key
        Map<String, List<String>> customerKey = CustomerKeyHeaders.carried(request.headers());
        UpstreamRequest head =
                new UpstreamRequest("HEAD", request.bucket(), request.key(), QueryParameters.empty(), customerKey, -1);
        return small.call(head, null, factory).flatMap(answer -> {
            HttpHeaders stored = answer.response().headers();
            String etag = stored.getFirst("etag");
            if (!answer.isSuccess() || etag == null) {
                return Mono.error(unreadableForSealing(answer.response().status()));
            }
            checkStillOurs(stored, id, layout);
            Map<String, List<String>> headers = sealedHeaders(stored, id, manifest, sealedManifest, sealedChecksum);
            String source = new CopySource(request.bucket(), request.key()).toHeaderValue();
            return settings.read(request.bucket(), request.key(), stored, factory)
                    .flatMap(carried -> {
                        headers.putAll(carried);
                        // pinned twice: each part copy to the completed object (copy-source-if-match), and the
                        // completion to it still being the object at the key (If-Match), so the seal never
                        // replaces an object written meanwhile
                        return copy.copy(
                                source,
                                etag,
                                layout,
                                request.bucket(),
                                request.key(),
                                headers,
                                customerKey,
                                Map.of("if-match", List.of(etag)),
                                factory);
                    })
                    .flatMap(sealedAnswer -> sealedAnswer.isErrorDocument()
                            ? Mono.just(sealedAnswer)
                            : SupersededVersions.delete(
                                            small.upstream(),
                                            request.bucket(),
                                            request.key(),
                                            stored.getFirst("x-amz-version-id"),
                                            sealedAnswer.response().headers().getFirst("x-amz-version-id"))
                                    .thenReturn(sealedAnswer));
        });
    }

    /**
     * The completed object's HEAD failed. An upstream that is failing or throttling (5xx) gets the client a
     * 503 it retries, as S3 would answer; the object stays pending, refused on read, until a retried
     * completion seals it. Any other answer is not the client's to retry.
     */
    private static S3Exception unreadableForSealing(int status) {
        S3ErrorCode code = status >= 500 ? S3ErrorCode.SERVICE_UNAVAILABLE : S3ErrorCode.INTERNAL_ERROR;
        return new S3Exception(code, "The completed object could not be read back for sealing (" + status + ").");
    }

    /** The object completed is the one this upload wrote: pending envelope with its key, expected length. */
    private static void checkStillOurs(HttpHeaders stored, MultipartUploadId id, MultipartLayout layout) {
        EnvelopeMetadata envelope;
        try {
            envelope = EnvelopeHeaders.read(stored);
        } catch (IllegalArgumentException malformed) {
            envelope = null;
        }
        long length = stored.getContentLength();
        if (envelope == null
                || !envelope.isPending()
                || !java.util.Arrays.equals(
                        envelope.wrappedKey(), id.wrappedKey().ciphertext())
                || length != layout.ciphertextLength()) {
            throw new S3Exception(
                    S3ErrorCode.SERVICE_UNAVAILABLE, "The object changed while its upload was completed; retry.");
        }
    }

    private static Map<String, List<String>> sealedHeaders(
            HttpHeaders stored,
            MultipartUploadId id,
            MultipartManifest manifest,
            byte[] sealedManifest,
            byte[] sealedChecksum) {
        Map<String, List<String>> headers = keptHeaders(stored);
        WrappedKey wrapped = id.wrappedKey();
        EnvelopeMetadata sealed = new EnvelopeMetadata(
                ObjectFormat.VERSION_1,
                wrapped.provider(),
                wrapped.keyId(),
                wrapped.keyVersion(),
                wrapped.ciphertext(),
                manifest.totalPlaintextLength(),
                id.segmentSize(),
                null,
                manifest.partCount(),
                sealedManifest,
                id.context(),
                sealedChecksum,
                null);
        sealed.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        return headers;
    }

    /** The completed object's headers the self-copy sets again, names in lower case (not the envelope). */
    static Map<String, List<String>> keptHeaders(HttpHeaders stored) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        stored.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (CopiedObjectHeaders.includes(lower) && !EnvelopeMetadata.isReserved(lower)) {
                headers.put(lower, List.copyOf(values));
            }
        });
        return headers;
    }
}
