package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.SmallCalls;
import dev.s3seal.cli.support.StoredObject;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.EncryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rewrites one plaintext object in place, encrypted under the rule's key in s3seal's format, exactly as a PutObject
 * through the proxy would store it (a fresh data key bound to bucket and key, {@link SegmentEncryptor} and
 * {@link EncryptOperator}, the same envelope entries), streaming: the body is read with a GET and encrypted segment
 * by segment on its way into the PUT, so memory is a segment or two whatever the object's size. Objects above the
 * multipart threshold are written as a multipart upload ({@link MultipartRewrite}).
 *
 * <p>Every request is pinned to the ETag the object had when it was examined: the GET with {@code If-Match} (the
 * bytes read are that object's), the PutObject with {@code If-Match} (it replaces only that object). A client that
 * wrote the key meanwhile makes either answer 412 (or 404 when it deleted it), which ends here in
 * {@link PinnedTransfers.ObjectChanged} and never overwrites the client's write on a store that evaluates {@code If-Match} when the
 * write commits (AWS S3; see docs/migration.md for stores that check it earlier). When the ETag is the plaintext's
 * MD5, the MD5 of the bytes read is checked against it before the last segment goes out (the PUT fails otherwise)
 * and sealed into the envelope, so clients keep seeing the same ETag.
 */
final class EncryptingRewrite {

    private final PinnedTransfers transfers;
    private final KeyRegistry keys;
    private final MultipartRewrite multipart;
    private final long multipartThreshold;

    EncryptingRewrite(UpstreamClient upstream, KeyRegistry keys, long multipartThreshold, long partSize) {
        this.transfers = new PinnedTransfers(upstream);
        this.keys = keys;
        this.multipart = new MultipartRewrite(transfers, new SmallCalls(upstream), partSize);
        this.multipartThreshold = multipartThreshold;
    }

    /** Encrypts {@code source} in place under {@code decision}'s key; fails with {@link PinnedTransfers.ObjectChanged} when it changed. */
    Mono<Void> rewrite(RewriteSource source, PolicyDecision decision) {
        int segmentSize = decision.options().segmentSize();
        KeyContext context = KeyContext.of(source.bucket(), source.key(), extraContext(decision.key()));
        return Mono.defer(() -> keys.writer(decision.key()).generateDataKey(context))
                .flatMap(dataKey -> Mono.using(
                        () -> dataKey,
                        key -> source.stored().length() > multipartThreshold
                                ? multipart.rewrite(source, key, context, segmentSize)
                                : singlePart(source, key, context, segmentSize),
                        DataKey::close));
    }

    private Mono<Void> singlePart(RewriteSource source, DataKey dataKey, KeyContext context, int segmentSize) {
        StoredObject stored = source.stored();
        long length = stored.length();
        byte[] md5 = stored.knownMd5();
        return transfers.read(source, null, body -> {
            // made once the body is there: the operator wipes its key when its stream ends, which needs a subscriber
            SegmentEncryptor encryptor = SegmentEncryptor.forObject(dataKey.plaintext(), segmentSize, length);
            EncryptOperator encrypt = new EncryptOperator(encryptor, RewriteSource.BUFFERS);
            // the stream header travels in the metadata too, as the proxy's writes record it
            EnvelopeMetadata envelope = RewriteSource.envelope(
                            dataKey,
                            context,
                            length,
                            segmentSize,
                            md5 == null ? null : EnvelopeMetadata.sealMd5(dataKey.plaintext(), md5, length),
                            null,
                            null)
                    .withStreamHeader(encryptor.header());
            Map<String, List<String>> headers = new LinkedHashMap<>(source.objectHeaders());
            envelope.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
            headers.put("if-match", List.of(stored.etag()));
            UpstreamRequest put = new UpstreamRequest(
                    "PUT",
                    source.bucket(),
                    source.key(),
                    QueryParameters.empty(),
                    headers,
                    CiphertextSizes.ciphertextLength(length, segmentSize));
            Flux<DataBuffer> plaintext = md5 == null ? body : checkedAgainst(body, md5);
            return transfers.write(put, plaintext.transform(encrypt)).then();
        });
    }

    /** The rule key's extra context (a KMS key's {@code encryption-context}), as the proxy's writes use it. */
    private static Map<String, String> extraContext(Optional<KeyDefinition> ruleKey) {
        return ruleKey.filter(KeyDefinition.KmsKey.class::isInstance)
                .map(k -> ((KeyDefinition.KmsKey) k).encryptionContext())
                .orElse(Map.of());
    }

    /**
     * The body, failing at its end instead of completing when its MD5 is not {@code expected}: the encryptor then never
     * emits its held-back last segment, so the PUT fails rather than store bytes that are not the object's.
     */
    private static Flux<DataBuffer> checkedAgainst(Flux<DataBuffer> body, byte[] expected) {
        return Flux.defer(() -> {
            MessageDigest md5 = md5();
            return body.doOnNext(buffer -> {
                        try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
                            while (it.hasNext()) {
                                md5.update(it.next());
                            }
                        }
                    })
                    .concatWith(Mono.defer(() -> MessageDigest.isEqual(md5.digest(), expected)
                            ? Mono.empty()
                            : Mono.error(
                                    new PinnedTransfers.StoreRefused("the body read does not match its ETag (MD5)"))));
        });
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
