package dev.s3seal.web.copy;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.stream.BodyLengthMismatchException;
import dev.s3seal.stream.Buffers;
import dev.s3seal.stream.CryptoTraffic;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.stream.ExactLength;
import dev.s3seal.stream.HoldBackLastBufferOperator;
import dev.s3seal.stream.s3ec.S3ecDecryptOperator;
import dev.s3seal.stream.s3ec.S3ecVerifyOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.exchange.IntegrityFailures;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3ecFailures;
import dev.s3seal.web.multipart.LayoutPreservingCopy;
import dev.s3seal.web.object.ObjectReads;
import dev.s3seal.web.object.S3ecDownload;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Opens the source of a copy (HEAD upstream, envelope, data key unwrapped for the source's own
 * name, the client's ETag and copy conditions) and reads plaintext ranges of it, every byte
 * authenticated, each request pinned to the ETag seen by the HEAD. Objects in the AWS S3 Encryption
 * Client's format are read whole only, authenticated at their end.
 */
final class CopySourceReader {

    private final UpstreamClient upstream;

    CopySourceReader(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /** The opened source; the caller closes it (wipes its data key). Copy conditions are checked here. */
    Mono<CopySourceObject> open(ProxyExchange exchange, ObjectKeys keys) {
        CopySource source = exchange.copySource();
        UpstreamRequest head =
                new UpstreamRequest("HEAD", source.bucket(), source.key(), versionQuery(source), Map.of(), -1);
        return upstream.exchange(
                        head,
                        Flux.empty(),
                        (response, body) -> Buffers.releaseAll(body).then(Mono.fromSupplier(() -> {
                            if (!response.isSuccess()) {
                                throw missing(response.status());
                            }
                            return response.headers();
                        })))
                .next()
                .flatMap(stored -> opened(exchange, keys, source, stored));
    }

    private Mono<CopySourceObject> opened(
            ProxyExchange exchange, ObjectKeys keys, CopySource source, HttpHeaders stored) {
        EnvelopeMetadata envelope = EnvelopeHeaders.readStored(stored);
        String upstreamEtag = stored.getFirst("etag");
        if (envelope == null && S3ecDownload.isS3ec(stored)) {
            // never taken for plaintext: its bytes are the AWS client's ciphertext
            return openedInClientFormat(exchange, keys, source, stored);
        }
        if (envelope == null) {
            if (exchange.copySourceDecision().encryptsBody()
                    && !exchange.copySourceDecision().options().allowUnencryptedReads()) {
                throw new S3Exception(
                        S3ErrorCode.ACCESS_DENIED,
                        "The copy source is not encrypted by s3seal and the policy does not allow unencrypted reads.");
            }
            String etag = upstreamEtag == null ? "" : upstreamEtag;
            CopyConditions.check(exchange.request(), etag, stored.getFirst("last-modified"));
            return Mono.just(new CopySourceObject(
                    source,
                    stored,
                    null,
                    null,
                    null,
                    upstreamEtag,
                    etag,
                    Math.max(0, stored.getContentLength()),
                    null));
        }
        if (!exchange.copySourceDecision().encryptsBody()) {
            // under its own rule the source reads as stored (ciphertext): a copy must not decrypt it either
            throw new S3Exception(
                    S3ErrorCode.ACCESS_DENIED,
                    "The copy source is encrypted by s3seal, but the policy does not decrypt it where it is.");
        }
        if (envelope.isPending()) {
            throw ObjectReads.unsealed();
        }
        WrappedKey wrapped =
                new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
        KeyContext context = ObjectContexts.forRead(keys, source.bucket(), source.key(), envelope);
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context))
                .onErrorMap(KeyFailures::toS3)
                .map(dataKey -> {
                    try {
                        MultipartLayout layout = envelope.manifest() == null
                                ? null
                                : new MultipartLayout(
                                        MultipartEnvelope.openManifest(envelope, dataKey, upstreamEtag),
                                        envelope.segmentSize());
                        String clientEtag = layout != null
                                ? (upstreamEtag == null ? "" : upstreamEtag)
                                : ObjectReads.clientEtag(envelope, dataKey, upstreamEtag);
                        CopyConditions.check(exchange.request(), clientEtag, stored.getFirst("last-modified"));
                        return new CopySourceObject(
                                source,
                                stored,
                                envelope,
                                dataKey,
                                layout,
                                upstreamEtag,
                                clientEtag,
                                envelope.plaintextLength(),
                                null);
                    } catch (S3Exception refused) {
                        Arrays.fill(dataKey, (byte) 0);
                        throw refused;
                    } catch (AuthenticationFailedException tampered) {
                        Arrays.fill(dataKey, (byte) 0);
                        throw IntegrityFailures.refusal(tampered);
                    } catch (RuntimeException corrupt) {
                        Arrays.fill(dataKey, (byte) 0);
                        throw new S3Exception(
                                S3ErrorCode.INVALID_OBJECT_STATE,
                                "The copy source's s3seal metadata is not valid; it cannot be decrypted.");
                    }
                });
    }

    /**
     * A source in the AWS S3 Encryption Client's format, opened as a GET of it would be: only under a client-side
     * rule and with that rule's own key. Clients see the upstream's ETag for such objects, so the copy conditions
     * are evaluated against it. One GCM tag covers the whole object, so no range of it can be authenticated:
     * UploadPartCopy from it is refused.
     */
    private Mono<CopySourceObject> openedInClientFormat(
            ProxyExchange exchange, ObjectKeys keys, CopySource source, HttpHeaders stored) {
        if (exchange.operation() == S3Operation.UPLOAD_PART_COPY) {
            throw new S3Exception(
                    S3ErrorCode.NOT_IMPLEMENTED,
                    "UploadPartCopy from an object in the AWS S3 Encryption"
                            + " Client format is not supported: a part of it cannot be authenticated on its own. Copy the"
                            + " whole object with CopyObject (up to 5 GiB).");
        }
        if (!exchange.copySourceDecision().encryptsBody()) {
            // under its own rule the source reads as stored (ciphertext): a copy must not decrypt it either
            throw new S3Exception(
                    S3ErrorCode.ACCESS_DENIED,
                    "The copy source is encrypted by the AWS S3 Encryption"
                            + " Client, but the policy does not decrypt it where it is.");
        }
        S3ecMetadata metadata;
        long plaintextLength;
        try {
            metadata = S3ecDownload.metadata(stored);
            plaintextLength = S3ecContentKey.plaintextLength(stored.getContentLength(), metadata.unencryptedLength());
        } catch (S3ecException invalid) {
            throw (S3Exception) S3ecFailures.toS3(invalid);
        }
        String upstreamEtag = stored.getFirst("etag");
        CopyConditions.check(
                exchange.request(), upstreamEtag == null ? "" : upstreamEtag, stored.getFirst("last-modified"));
        return S3ecDownload.contentKey(keys, exchange.copySourceDecision(), metadata)
                .map(contentKey -> new CopySourceObject(
                        source,
                        stored,
                        null,
                        null,
                        null,
                        upstreamEtag,
                        upstreamEtag == null ? "" : upstreamEtag,
                        plaintextLength,
                        contentKey));
    }

    /**
     * Plaintext bytes {@code first..last} (inclusive) of the source: for an encrypted source the
     * covering segments only (and the header they need), decrypted and authenticated.
     */
    Flux<DataBuffer> plaintext(CopySourceObject source, long first, long last, DataBufferFactory factory) {
        if (source.inClientFormat()) {
            return wholeInClientFormat(source, first, last, factory);
        }
        if (source.plaintextLength() == 0) {
            return source.encrypted()
                    ? fetch(source, new long[] {0, -1})
                            .transform(DecryptOperator.object(
                                    source.dataKey(), source.envelope().segmentSize(), 0, factory))
                    : Flux.empty();
        }
        if (!source.encrypted()) {
            return fetch(source, new long[] {first, last});
        }
        RangeMapping.PlaintextRange range = new RangeMapping.PlaintextRange(first, last);
        if (source.multipart()) {
            MultipartLayout.Plan plan = source.layout().plan(range);
            // one request from the covering part's header: at most one part's leading segments are skipped
            return fetch(source, plan.singleRequestRange())
                    .transform(DecryptOperator.multipartRange(source.dataKey(), source.layout(), plan, null, factory));
        }
        RangeMapping.RangePlan plan =
                RangeMapping.plan(range, source.envelope().segmentSize(), source.plaintextLength());
        if (plan.startsAtFirstSegment()) {
            return fetch(source, plan.singleRequestRange())
                    .transform(DecryptOperator.range(source.dataKey(), plan, null, factory));
        }
        return header(source)
                .flatMapMany(header -> fetch(source, plan.segmentRange())
                        .transform(DecryptOperator.range(source.dataKey(), plan, header, factory)));
    }

    /**
     * The whole plaintext of a source in the client's format, decrypted as it streams. The tag is checked at its
     * end: a mismatch errors the flux, and its last buffer is held back until then, so a writer fed from it never
     * receives the whole plaintext of an object that does not authenticate (its upstream request stays short of
     * its length and fails: nothing is stored). An empty object is authenticated before anything is emitted
     * ({@link #verifiedIfEmpty}).
     */
    private Flux<DataBuffer> wholeInClientFormat(
            CopySourceObject source, long first, long last, DataBufferFactory factory) {
        if (first != 0 || last != source.plaintextLength() - 1) {
            return Flux.error(new S3Exception(
                    S3ErrorCode.NOT_IMPLEMENTED,
                    "A range of an object in the AWS S3 Encryption Client format cannot be authenticated."));
        }
        Flux<DataBuffer> plaintext = fetch(source, new long[] {0, -1})
                .transform(new S3ecDecryptOperator(source.clientFormat(), factory))
                .onErrorMap(S3ecFailures::toS3);
        // a pinned GET answering another length than the HEAD did: nothing past it reaches the writer
        return ExactLength.of(plaintext, source.plaintextLength())
                .onErrorMap(BodyLengthMismatchException.class, mismatch -> LayoutPreservingCopy.sourceChanged())
                .transform(new HoldBackLastBufferOperator())
                .doOnNext(buffer -> CryptoTraffic.decrypted(buffer.readableByteCount()));
    }

    /**
     * Completes when the source, if it is an empty object in the client's format, authenticates (its whole
     * ciphertext is its 16-byte tag): a writer of an empty copy must not start before, since an empty upstream
     * body cannot be cut short. Empty for any other source.
     */
    Mono<Void> verifiedIfEmpty(CopySourceObject source) {
        if (!source.inClientFormat() || source.plaintextLength() > 0) {
            return Mono.empty();
        }
        return new S3ecVerifyOperator(source.clientFormat())
                .apply(fetch(source, new long[] {0, -1}))
                .onErrorMap(S3ecFailures::toS3);
    }

    private Mono<byte[]> header(CopySourceObject source) {
        // join releases what it holds on error and cancel
        return Buffers.readBytes(
                fetch(source, new long[] {0, ObjectFormat.HEADER_LENGTH - 1}), ObjectFormat.HEADER_LENGTH * 4);
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
                return Buffers.releaseAll(body)
                        .thenMany(Flux.<DataBuffer>error(
                                response.status() == 412
                                        ? LayoutPreservingCopy.sourceChanged()
                                        : missing(response.status())));
            }
            return body;
        });
    }

    static QueryParameters versionQuery(CopySource source) {
        return source.versionId() == null
                ? QueryParameters.empty()
                : QueryParameters.empty().with("versionId", source.versionId());
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
