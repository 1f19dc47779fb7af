package dev.s3seal.web.multipart;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.listing.ListingRewriter;
import dev.s3seal.stream.Buffers;
import dev.s3seal.stream.EncryptOperator;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.envelope.PlaintextFacts;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.exchange.SealResponse;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.exchange.UnreadBody;
import dev.s3seal.web.exchange.UpstreamAnswers;
import dev.s3seal.web.exchange.VerifiedBody;
import dev.s3seal.web.forward.ForwardHandler;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Multipart uploads under the client-side modes (docs/format.md 6): one data key per upload,
 * carried in the upload id ({@link MultipartUploadId}); every part its own encrypted stream;
 * completion checked for a regular layout and sealed ({@link MultipartSeal}).
 */
public final class EncryptedMultipartHandler implements S3OperationHandler {

    private final UpstreamClient upstream;
    private final KeyRegistries keys;
    private final SmallExchanges small;
    private final MultipartCompletion completion;

    /** {@code sealResponse} answers completions, whose seal may take long. */
    public EncryptedMultipartHandler(UpstreamClient upstream, KeyRegistries keys, SealResponse sealResponse) {
        this.upstream = upstream;
        this.keys = keys;
        this.small = new SmallExchanges(upstream);
        this.completion = new MultipartCompletion(small, sealResponse);
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        return switch (exchange.operation()) {
            case ABORT_MULTIPART_UPLOAD -> abort(exchange);
            default -> keys.current().flatMap(registry -> handle(exchange, registry));
        };
    }

    /** Create, UploadPart, ListParts and Complete with data keys from {@code registry}. */
    public Mono<Void> handle(ProxyExchange exchange, ObjectKeys registry) {
        return switch (exchange.operation()) {
            case ABORT_MULTIPART_UPLOAD -> abort(exchange);
            case CREATE_MULTIPART_UPLOAD -> create(exchange, registry);
            case UPLOAD_PART -> withKey(exchange, registry, (id, key) -> uploadPart(exchange, id, key));
            // listing needs no key (as in S3, also for SSE-C uploads): sizes come from the id's segment size
            case LIST_PARTS ->
                Mono.defer(() -> listParts(
                        exchange,
                        MultipartUploadId.decode(exchange.request().query().first("uploadId"))));
            case COMPLETE_MULTIPART_UPLOAD ->
                withKey(exchange, registry, (id, key) -> completion.complete(exchange, id, key, registry));
            default -> Mono.error(new S3Exception(S3ErrorCode.INTERNAL_ERROR));
        };
    }

    private Mono<Void> create(ProxyExchange exchange, ObjectKeys registry) {
        S3Request request = exchange.request();
        int segmentSize = exchange.decision().options().segmentSize();
        java.util.Optional<KeyDefinition> definition = exchange.decision().key();
        KeyContext context = ObjectContexts.forWrite(request.bucket(), request.key(), definition);
        UploadChecksum checksum = UploadChecksum.requested(request).orElse(null);
        Flux<DataBuffer> body = VerifiedBody.of(exchange).content();
        return Buffers.releaseAll(body)
                .then(Mono.defer(() ->
                        registry.writer(definition).generateDataKey(context).onErrorMap(KeyFailures::toS3)))
                .flatMap(dataKey -> {
                    WrappedKey wrapped;
                    try (dataKey) {
                        wrapped = dataKey.wrapped();
                    }
                    Map<String, String> recorded = ObjectContexts.recorded(wrapped, context);
                    EnvelopeMetadata pending = new EnvelopeMetadata(
                            ObjectFormat.VERSION_1,
                            wrapped.provider(),
                            wrapped.keyId(),
                            wrapped.keyVersion(),
                            wrapped.ciphertext(),
                            EnvelopeMetadata.PENDING_LENGTH,
                            segmentSize,
                            null,
                            null,
                            null,
                            recorded);
                    Map<String, List<String>> headers =
                            PlaintextFacts.without(ForwardedHeaders.toUpstream(request.headers(), false));
                    pending.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
                    UpstreamRequest create = SmallExchanges.request(
                            "POST", request.bucket(), request.key(), request.query(), headers, null);
                    return small.call(
                                    create,
                                    null,
                                    exchange.exchange().getResponse().bufferFactory())
                            .flatMap(answer -> {
                                if (answer.isErrorDocument()) {
                                    return SmallExchanges.write(exchange, answer.response(), answer.body());
                                }
                                String upstreamId = uploadIdOf(answer.body());
                                String clientId = new MultipartUploadId(
                                                upstreamId, wrapped, segmentSize, recorded, checksum)
                                        .encode();
                                Mono<Void> written = SmallExchanges.write(
                                        exchange,
                                        answer.response(),
                                        MultipartXml.replaceUploadId(answer.body(), upstreamId, clientId));
                                if (checksum != null) {
                                    checksum.answer(
                                            exchange.exchange().getResponse().getHeaders());
                                }
                                return written;
                            });
                });
    }

    private Mono<Void> uploadPart(ProxyExchange exchange, MultipartUploadId id, byte[] dataKey) {
        S3Request request = exchange.request();
        int partNumber = partNumber(request.query().first("partNumber"));
        VerifiedBody body = VerifiedBody.of(exchange);
        if (id.checksum() != null) {
            id.checksum().checkPart(body.checksum());
        }
        long plaintextLength = body.length();
        EncryptOperator encrypt;
        try {
            encrypt = new EncryptOperator(
                    SegmentEncryptor.forPart(dataKey, id.segmentSize(), partNumber, plaintextLength),
                    exchange.exchange().getResponse().bufferFactory());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
        Map<String, List<String>> headers =
                PlaintextFacts.without(ForwardedHeaders.toUpstream(request.headers(), body.declaresTrailerChecksum()));
        UpstreamRequest put = new UpstreamRequest(
                "PUT",
                request.bucket(),
                request.key(),
                upstreamQuery(request, id.upstreamId()),
                headers,
                CiphertextSizes.ciphertextLength(plaintextLength, id.segmentSize()));
        MessageDigest md5 = PlaintextEtags.md5();
        // S3 answers UploadPart with the MD5 of the part as sent, and clients check it (s3cmd retries
        // a part whose ETag differs from its own MD5): the plaintext's, as for PutObject
        return ForwardHandler.send(
                upstream,
                exchange,
                put,
                PlaintextEtags.digesting(body.content(), md5).transform(encrypt),
                answer -> {
                    if (answer.getFirst("etag") != null) {
                        answer.set("ETag", PlaintextEtags.quoted(md5.digest()));
                        // the body was sent whole, so it verified: S3 answers the part's checksum
                        body.checksum()
                                .verified()
                                .ifPresent(checksum -> answer.set(checksum.headerName(), checksum.base64()));
                    }
                });
    }

    private Mono<Void> listParts(ProxyExchange exchange, MultipartUploadId id) {
        S3Request request = exchange.request();
        UpstreamRequest list = new UpstreamRequest(
                "GET",
                request.bucket(),
                request.key(),
                upstreamQuery(request, id.upstreamId()),
                ForwardedHeaders.toUpstream(request.headers(), false),
                -1);
        return small.call(list, null, exchange.exchange().getResponse().bufferFactory())
                .flatMap(answer -> {
                    if (!answer.isSuccess()) {
                        return SmallExchanges.write(exchange, answer.response(), answer.body());
                    }
                    byte[] rewritten;
                    try {
                        rewritten = ListingRewriter.rewrite(answer.body(), entry -> {
                            if (!entry.isPart()) {
                                return null;
                            }
                            try {
                                return entry.withSizeAndEtag(
                                        CiphertextSizes.plaintextLength(entry.size(), id.segmentSize()), entry.etag());
                            } catch (IllegalArgumentException notOurs) {
                                return null;
                            }
                        });
                        rewritten = MultipartXml.replaceUploadId(rewritten, id.upstreamId(), id.encode());
                        if (id.checksum() != null) {
                            rewritten = MultipartXml.withUploadChecksum(rewritten, id.checksum());
                        }
                    } catch (IllegalArgumentException malformed) {
                        throw new S3Exception(
                                S3ErrorCode.INTERNAL_ERROR, "The upstream part list could not be read.", malformed);
                    }
                    return SmallExchanges.write(exchange, answer.response(), rewritten);
                });
    }

    /** Forwarded with the upstream's own upload id; an id that is not s3seal's is passed as it is. */
    private Mono<Void> abort(ProxyExchange exchange) {
        S3Request request = exchange.request();
        String upstreamId = MultipartUploadId.upstreamIdOf(request.query().first("uploadId"));
        UpstreamRequest abort = new UpstreamRequest(
                "DELETE",
                request.bucket(),
                request.key(),
                upstreamQuery(request, upstreamId),
                ForwardedHeaders.toUpstream(request.headers(), false),
                -1);
        Flux<DataBuffer> body = VerifiedBody.of(exchange).content();
        return Buffers.releaseAll(body)
                .then(Mono.defer(() -> upstream.exchange(
                                abort,
                                Flux.empty(),
                                (response, responseBody) -> UpstreamAnswers.relay(exchange, response, responseBody))
                        .then()));
    }

    interface KeyedOperation {
        Mono<Void> run(MultipartUploadId id, byte[] dataKey);
    }

    /**
     * Decodes the client's upload id and unwraps its data key for this bucket and key; a tampered
     * or transplanted id fails here (NoSuchUpload or AccessDenied), before any body is read.
     */
    private static Mono<Void> withKey(ProxyExchange exchange, ObjectKeys registry, KeyedOperation operation) {
        S3Request request = exchange.request();
        return Mono.defer(() -> {
                    MultipartUploadId id =
                            MultipartUploadId.decode(request.query().first("uploadId"));
                    WrappedKey wrapped = id.wrappedKey();
                    KeyContext context = ObjectContexts.forRead(
                            registry, request.bucket(), request.key(), wrapped.keyId(), id.context());
                    return Mono.defer(() -> registry.reader(wrapped).unwrap(wrapped, context))
                            .onErrorMap(KeyFailures::toS3)
                            .map(key -> new Object[] {id, key});
                })
                .onErrorResume(refused -> UnreadBody.discard(
                                exchange.exchange().getRequest(),
                                exchange.exchange().getResponse())
                        .then(Mono.error(refused)))
                .flatMap(pair -> operation.run((MultipartUploadId) pair[0], (byte[]) pair[1]));
    }

    public static QueryParameters upstreamQuery(S3Request request, String upstreamId) {
        return request.query().with("uploadId", upstreamId);
    }

    public static int partNumber(String value) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 1 && number <= ObjectFormat.MAX_PART_NUMBER) {
                return number;
            }
        } catch (NumberFormatException | NullPointerException malformed) {
            // answered below
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Part number must be an integer between 1 and 10000.");
    }

    private static String uploadIdOf(byte[] xml) {
        String id;
        try {
            id = MultipartXml.parse(xml).field("UploadId");
        } catch (IllegalArgumentException malformed) {
            throw new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream answer could not be read.", malformed);
        }
        if (id == null || id.isEmpty()) {
            throw new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream answer has no upload id.");
        }
        return id;
    }
}
