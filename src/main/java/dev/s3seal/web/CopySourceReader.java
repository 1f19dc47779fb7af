package dev.s3seal.web;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;

/**
 * Opens the source of a copy (HEAD upstream, envelope, data key unwrapped for the source's own
 * name, the client's ETag and copy conditions) and reads plaintext ranges of it, every byte
 * authenticated, each request pinned to the ETag seen by the HEAD.
 */
final class CopySourceReader {

    private final UpstreamClient upstream;

    CopySourceReader(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /** The opened source; the caller closes it (wipes its data key). Copy conditions are checked here. */
    Mono<CopySourceObject> open(ProxyExchange exchange, ObjectKeys keys) {
        CopySource source = exchange.copySource();
        UpstreamRequest head = new UpstreamRequest("HEAD", source.bucket(), source.key(), versionQuery(source),
                Map.of(), -1);
        return upstream.exchange(head, Flux.empty(), (response, body) -> body.doOnNext(DataBufferUtils::release)
                        .then(Mono.fromSupplier(() -> {
                            if (!response.isSuccess()) {
                                throw missing(response.status());
                            }
                            return response.headers();
                        })))
                .next()
                .flatMap(stored -> opened(exchange, keys, source, stored));
    }

    private Mono<CopySourceObject> opened(ProxyExchange exchange, ObjectKeys keys, CopySource source,
            HttpHeaders stored) {
        EnvelopeMetadata envelope = EnvelopeHeaders.read(stored);
        String upstreamEtag = stored.getFirst("etag");
        if (envelope == null && S3ecDownload.isS3ec(stored)) {
            // never taken for plaintext: its bytes are the AWS client's ciphertext
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                    "s3seal does not copy objects in the AWS S3 Encryption Client format; read and write it instead.");
        }
        if (envelope == null) {
            if (EncryptedCopyHandler.encryptsBody(exchange.copySourceDecision())
                    && !exchange.copySourceDecision().options().allowUnencryptedReads()) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                        "The copy source is not encrypted by s3seal and the policy does not allow unencrypted reads.");
            }
            String etag = upstreamEtag == null ? "" : upstreamEtag;
            CopyConditions.check(exchange.request(), etag, stored.getFirst("last-modified"));
            return Mono.just(new CopySourceObject(source, stored, null, null, null, upstreamEtag, etag,
                    Math.max(0, stored.getContentLength())));
        }
        if (!EncryptedCopyHandler.encryptsBody(exchange.copySourceDecision())) {
            // under its own rule the source reads as stored (ciphertext): a copy must not decrypt it either
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "The copy source is encrypted by s3seal, but the policy does not decrypt it where it is.");
        }
        if (envelope.isPending()) {
            throw MultipartReads.unsealed();
        }
        WrappedKey wrapped = new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(),
                envelope.wrappedKey());
        KeyContext context = KeyContext.of(source.bucket(), source.key(), keys.contextFor(envelope.keyId()));
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context)).onErrorMap(KeyFailures::toS3)
                .map(dataKey -> {
                    try {
                        MultipartLayout layout = envelope.manifest() == null ? null : new MultipartLayout(
                                MultipartReads.manifest(envelope, dataKey, upstreamEtag), envelope.segmentSize());
                        String clientEtag = layout != null ? (upstreamEtag == null ? "" : upstreamEtag)
                                : DecryptingDownload.clientEtag(envelope, dataKey, upstreamEtag);
                        CopyConditions.check(exchange.request(), clientEtag, stored.getFirst("last-modified"));
                        return new CopySourceObject(source, stored, envelope, dataKey, layout, upstreamEtag,
                                clientEtag, envelope.plaintextLength());
                    } catch (S3Exception refused) {
                        Arrays.fill(dataKey, (byte) 0);
                        throw refused;
                    } catch (RuntimeException corrupt) {
                        Arrays.fill(dataKey, (byte) 0);
                        throw new S3Exception(S3ErrorCode.INVALID_OBJECT_STATE,
                                "The copy source's s3seal metadata is not valid; it cannot be decrypted.");
                    }
                });
    }

    /**
     * Plaintext bytes {@code first..last} (inclusive) of the source: for an encrypted source the
     * covering segments only (and the header they need), decrypted and authenticated.
     */
    Flux<DataBuffer> plaintext(CopySourceObject source, long first, long last, DataBufferFactory factory) {
        if (source.plaintextLength() == 0) {
            return source.encrypted() ? fetch(source, new long[] {0, -1}).transform(
                    DecryptOperator.object(source.dataKey(), factory)) : Flux.empty();
        }
        if (!source.encrypted()) {
            return fetch(source, new long[] {first, last});
        }
        RangeMapping.PlaintextRange range = new RangeMapping.PlaintextRange(first, last);
        if (source.multipart()) {
            MultipartLayout.Plan plan = source.layout().plan(range);
            // one request from the covering part's header: at most one part's leading segments are skipped
            return fetch(source, plan.singleRequestRange()).transform(DecryptOperator.multipartRange(
                    source.dataKey(), source.layout(), plan, null, factory));
        }
        RangeMapping.RangePlan plan = RangeMapping.plan(range, source.envelope().segmentSize(),
                source.plaintextLength());
        if (plan.startsAtFirstSegment()) {
            return fetch(source, plan.singleRequestRange()).transform(
                    DecryptOperator.range(source.dataKey(), plan, null, factory));
        }
        return header(source).flatMapMany(header -> fetch(source, plan.segmentRange()).transform(
                DecryptOperator.range(source.dataKey(), plan, header, factory)));
    }

    private Mono<byte[]> header(CopySourceObject source) {
        // join releases what it holds on error and cancel
        return SmallExchanges.readAll(fetch(source, new long[] {0, ObjectFormat.HEADER_LENGTH - 1}),
                ObjectFormat.HEADER_LENGTH * 4);
    }

    /** Upstream bytes {@code range} of the source (all of it when {@code range[1] < 0}), pinned to its ETag. */
    private Flux<DataBuffer> fetch(CopySourceObject source, long[] range) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (range[1] >= 0) {
            headers.put("range", List.of("bytes=" + range[0] + "-" + range[1]));
        }
        if (source.upstreamEtag() != null) {
            headers.put("if-match", List.of(source.upstreamEtag()));
        }
        CopySource name = source.source();
        UpstreamRequest get = new UpstreamRequest("GET", name.bucket(), name.key(), versionQuery(name), headers, -1);
        return upstream.exchange(get, Flux.empty(), (response, body) -> {
            if (!response.isSuccess()) {
                return body.doOnNext(DataBufferUtils::release).thenMany(Flux.<DataBuffer>error(
                        response.status() == 412 ? changed() : missing(response.status())));
            }
            return body;
        });
    }

    static QueryParameters versionQuery(CopySource source) {
        return source.versionId() == null ? QueryParameters.empty()
                : QueryParameters.empty().with("versionId", source.versionId());
    }

    /** The value for an upstream {@code x-amz-copy-source}: the source, percent-encoded, with its version. */
    static String copySourceHeader(CopySource source) {
        String path = "/" + source.bucket() + "/" + MultipartSeal.encodeKey(source.key());
        return source.versionId() == null ? path
                : path + "?versionId=" + dev.s3seal.auth.UriEncoding.encode(source.versionId(), false);
    }

    static S3Exception changed() {
        return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The copy source changed while it was copied; retry.");
    }

    private static S3Exception missing(int status) {
        return switch (status) {
            case 404 -> new S3Exception(S3ErrorCode.NO_SUCH_KEY);
            case 403 -> new S3Exception(S3ErrorCode.ACCESS_DENIED);
            case 400 -> new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid copy source (version id or name).");
            default -> new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The copy source could not be read; retry.");
        };
    }

}
