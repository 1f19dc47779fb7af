package dev.s3seal.web.copy;

import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.envelope.EtagSettings;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.exchange.SealResponse;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.exchange.VerifiedBody;
import dev.s3seal.web.object.EncryptingUpload;
import dev.s3seal.web.object.S3ecUpload;
import reactor.core.publisher.Mono;

/**
 * CopyObject and UploadPartCopy whose source or destination is encrypted client-side by s3seal.
 * The source is opened as the client sees it (plaintext ETag, copy conditions); a copy between two
 * names under the same client-side key stays server-side ({@link ServerSideCopy}), any other copy
 * (among them every copy from or to the AWS S3 Encryption Client's format) streams through s3seal
 * ({@link StreamingCopy}); parts go through {@link EncryptedPartCopy}. Copies
 * that take long are answered as S3 answers them: 200 at once, whitespace, then the result.
 */
public final class EncryptedCopyHandler implements S3OperationHandler {

    /** S3's largest CopyObject / UploadPartCopy source (part: range). */
    private final KeyRegistries keys;

    private final CopySourceReader reader;
    private final ServerSideCopy serverSide;
    private final StreamingCopy streaming;
    private final EncryptedPartCopy parts;
    private final SealResponse sealResponse;

    /** {@code sealResponse} answers copies, which may take long (s3seal reads and writes the whole object). */
    public EncryptedCopyHandler(
            UpstreamClient upstream, KeyRegistries keys, EtagSettings etags, SealResponse sealResponse) {
        this.keys = keys;
        this.sealResponse = sealResponse;
        this.reader = new CopySourceReader(upstream);
        SmallExchanges small = new SmallExchanges(upstream);
        this.serverSide = new ServerSideCopy(small);
        this.streaming =
                new StreamingCopy(upstream, reader, new EncryptingUpload(upstream, etags), new S3ecUpload(upstream));
        this.parts = new EncryptedPartCopy(upstream, reader);
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        // a copy has no body of its own; its (empty) payload is still verified before anything is sent
        return Buffers.releaseAll(VerifiedBody.of(exchange).content()).then(Mono.defer(() -> {
            refuseUnsupported(exchange);
            CopyCustomerKeys customerKeys = CopyCustomerKeys.of(exchange);
            customerKeys.echoDestination(exchange.exchange().getResponse());
            // the customer keys never go upstream
            ProxyExchange stripped = new ProxyExchange(
                    exchange.exchange(),
                    exchange.requestId(),
                    CustomerKeyHeaders.without(exchange.request()),
                    exchange.auth(),
                    exchange.operation(),
                    exchange.decision(),
                    exchange.copySource(),
                    exchange.copySourceDecision());
            Mono<SmallExchanges.Answer> answer = keys.current()
                    .flatMap(registry -> {
                        ObjectKeys from = customerKeys.sourceKeys(exchange.copySourceDecision(), registry);
                        ObjectKeys to = customerKeys.destinationKeys(exchange.decision(), registry);
                        return Mono.usingWhen(
                                reader.open(stripped, from),
                                source -> copy(stripped, source, registry, to),
                                source -> Mono.fromRunnable(source::close));
                    })
                    .doFinally(signal -> customerKeys.close());
            return sealResponse.answer(exchange, answer);
        }));
    }

    private Mono<SmallExchanges.Answer> copy(
            ProxyExchange exchange, CopySourceObject source, KeyRegistry registry, ObjectKeys destinationKeys) {
        if (exchange.operation() == S3Operation.UPLOAD_PART_COPY) {
            return parts.copy(exchange, source, destinationKeys);
        }
        if (source.plaintextLength() > CopySource.MAX_BYTES) {
            return Mono.error(new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The specified copy source is larger than " + "the maximum allowable size for a copy source: "
                            + CopySource.MAX_BYTES));
        }
        return sameKey(exchange, source)
                ? serverSide.copy(exchange, source, registry)
                : streaming.copy(exchange, source, destinationKeys);
    }

    /** What s3seal does not copy is refused before the source is opened. */
    private static void refuseUnsupported(ProxyExchange exchange) {
        if (!exchange.copySourceDecision().emulatesSseC()
                && CustomerKeyHeaders.present(exchange.request(), CustomerKeyHeaders.COPY_SOURCE_PREFIX)) {
            throw new S3Exception(
                    S3ErrorCode.NOT_IMPLEMENTED,
                    "s3seal takes copy-source SSE-C parameters only for "
                            + "sources under sse-c emulated; this source's policy does not encrypt it with a customer key.");
        }
        if (exchange.operation() == S3Operation.COPY_OBJECT) {
            if (!StreamingCopy.supportsDestination(exchange.decision())) {
                throw StreamingCopy.unsupportedDestination(exchange.decision());
            }
            CopiedMetadata.replaces(exchange.request());
            CopiedMetadata.refuseUnchangedSelfCopy(exchange.request(), exchange.copySource());
        } else if (!exchange.decision().encryptsBody()
                && exchange.decision().mode() != Mode.PASSTHROUGH
                && exchange.decision().mode() != Mode.SSE_S3
                && exchange.decision().mode() != Mode.SSE_KMS) {
            throw StreamingCopy.unsupportedDestination(exchange.decision());
        }
    }

    /**
     * Both sides under the same client-side mode and key, the destination's rule writing s3seal's
     * format, and the source really encrypted by s3seal under a key of that provider: the data key
     * can be re-wrapped and the body stay upstream.
     */
    private static boolean sameKey(ProxyExchange exchange, CopySourceObject source) {
        PolicyDecision to = exchange.decision();
        PolicyDecision from = exchange.copySourceDecision();
        if (!source.encrypted()
                || !to.mode().clientSide()
                || to.options().format() != dev.s3seal.policy.Format.S3SEAL
                || from.mode() != to.mode()
                || to.key().isEmpty()
                || from.key().isEmpty()
                || !from.key().get().name().equals(to.key().get().name())) {
            return false;
        }
        String provider = source.envelope().providerKind();
        String kind = to.mode() == Mode.CSE_KMS ? "kms" : "local";
        // a local key's envelope names the key itself: an object written under another key before the
        // rule changed is re-encrypted, not re-wrapped (KMS envelopes name the key ARN, the rule may name
        // an alias; KMS re-encrypts the data key under the rule's key either way)
        boolean sameLocalKey = to.mode() != Mode.CSE_LOCAL
                || source.envelope()
                        .keyId()
                        .equals(EncryptingUpload.keyIdOf(to.key().get()));
        return (provider.equals(kind) || provider.equals(kind + "-layered")) && sameLocalKey;
    }
}
