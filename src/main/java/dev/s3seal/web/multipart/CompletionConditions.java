package dev.s3seal.web.multipart;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.object.ObjectReads;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Mono;

/**
 * If-Match / If-None-Match on CompleteMultipartUpload under a client-side mode. The client names
 * the ETags it saw (plaintext MD5s for single-part objects), which the upstream cannot evaluate,
 * so s3seal evaluates them on a HEAD of the destination before completing, and pins the upstream
 * completion to what it evaluated: {@code If-Match} with the destination's upstream ETag, or
 * {@code If-None-Match: *} when there was none. An upstream that enforces conditional completion
 * (S3) then refuses a completion that would replace an object written after the HEAD; one that
 * ignores the headers leaves that window open (docs/limits.md).
 */
final class CompletionConditions {

    private final SmallExchanges small;

    CompletionConditions(SmallExchanges small) {
        this.small = small;
    }

    static boolean asked(S3Request request) {
        return request.header("if-match") != null || request.header("if-none-match") != null;
    }

    /**
     * Fails with S3's answer when a condition does not hold (412 PreconditionFailed, or 404
     * NoSuchKey for If-Match on a missing key); else emits the headers that pin the upstream
     * completion (empty when the client asked nothing).
     */
    Mono<Map<String, List<String>>> check(ProxyExchange exchange, ObjectKeys keys, DataBufferFactory factory) {
        S3Request request = exchange.request();
        if (!asked(request)) {
            return Mono.just(Map.of());
        }
        String ifMatch = request.header("if-match");
        String ifNoneMatch = request.header("if-none-match");
        UpstreamRequest head =
                new UpstreamRequest("HEAD", request.bucket(), request.key(), QueryParameters.empty(), Map.of(), -1);
        return small.call(head, null, factory).flatMap(answer -> {
            int status = answer.response().status();
            if (status == 404) {
                if (ifMatch != null) {
                    return Mono.error(new S3Exception(S3ErrorCode.NO_SUCH_KEY));
                }
                return Mono.just(Map.of("if-none-match", List.of("*")));
            }
            if (!answer.isSuccess()) {
                return Mono.error(refusal(status));
            }
            String upstreamEtag = answer.response().headers().getFirst("etag");
            return clientEtag(answer, keys, request).flatMap(clientEtag -> {
                if (ifMatch != null && !PlaintextEtags.matches(ifMatch, clientEtag)) {
                    return Mono.error(new S3Exception(S3ErrorCode.PRECONDITION_FAILED));
                }
                if (ifNoneMatch != null && PlaintextEtags.matches(ifNoneMatch, clientEtag)) {
                    return Mono.error(new S3Exception(S3ErrorCode.PRECONDITION_FAILED));
                }
                return Mono.just(
                        upstreamEtag == null
                                ? Map.<String, List<String>>of()
                                : Map.of("if-match", List.of(upstreamEtag)));
            });
        });
    }

    /** The ETag a client sees for the stored object: its sealed plaintext MD5 when it has one, else the upstream's. */
    private static Mono<String> clientEtag(SmallExchanges.Answer head, ObjectKeys keys, S3Request request) {
        String upstreamEtag = head.response().headers().getFirst("etag");
        EnvelopeMetadata envelope;
        try {
            envelope = EnvelopeHeaders.read(head.response().headers());
        } catch (IllegalArgumentException corrupt) {
            envelope = null;
        }
        if (envelope == null || envelope.sealedMd5() == null || envelope.manifest() != null) {
            return Mono.just(upstreamEtag == null ? "" : upstreamEtag);
        }
        EnvelopeMetadata sealed = envelope;
        return ObjectReads.withDataKey(
                keys, sealed, request, key -> Mono.just(ObjectReads.clientEtag(sealed, key.plaintext(), upstreamEtag)));
    }

    private static S3Exception refusal(int status) {
        if (status == 403) {
            return new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        if (status == 503) {
            return new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
        return new S3Exception(
                S3ErrorCode.INTERNAL_ERROR, "The upstream refused to describe the destination (" + status + ").");
    }
}
