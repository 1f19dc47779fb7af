package dev.s3seal.web.object;

import dev.s3seal.auth.payload.FlexibleChecksum;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.limits.BodyBudget;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.Buffers;
import dev.s3seal.stream.EncryptOperator;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.EtagSettings;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.envelope.PlaintextChecksums;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.envelope.PlaintextFacts;
import dev.s3seal.web.envelope.SupersededVersions;
import dev.s3seal.web.exchange.BodyChecksum;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.exchange.VerifiedBody;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * PutObject under a client-side mode: a fresh data key per object, the verified plaintext
 * encrypted as it streams (format v1), the wrapped key and lengths in the object's metadata.
 * The upstream never receives its last byte unless the client's body verified.
 */
public final class EncryptingUpload {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EncryptingUpload.class);

    /** S3's largest CopyObject source: larger objects cannot be self-copied to store their sealed MD5. */

    /** Request headers that describe the stored object and must be sent again on a REPLACE self-copy. */
    private static final java.util.Set<String> OBJECT_HEADERS = java.util.Set.of(
            "content-type",
            "cache-control",
            "content-disposition",
            "content-encoding",
            "content-language",
            "expires",
            "x-amz-storage-class",
            "x-amz-website-redirect-location",
            "x-amz-acl",
            "x-amz-grant-read",
            "x-amz-grant-read-acp",
            "x-amz-grant-write-acp",
            "x-amz-grant-full-control",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-context",
            "x-amz-server-side-encryption-bucket-key-enabled",
            "x-amz-expected-bucket-owner",
            "x-amz-request-payer",
            "x-amz-object-lock-mode",
            "x-amz-object-lock-retain-until-date",
            "x-amz-object-lock-legal-hold");

    private final UpstreamClient upstream;
    private final EtagSettings etags;
    private final BodyBudget heldBodies;

    /** Streams every body (a copy's source is read as it streams). */
    public EncryptingUpload(UpstreamClient upstream, EtagSettings etags) {
        this(upstream, etags, BodyBudget.NONE);
    }

    /**
     * @param heldBodies the budget under which a PutObject body without Content-MD5 is held whole, so
     *     its sealed MD5 travels in the one PUT; a body it refuses streams and is sealed by a self-copy
     */
    public EncryptingUpload(UpstreamClient upstream, EtagSettings etags, BodyBudget heldBodies) {
        this.upstream = upstream;
        this.etags = etags;
        this.heldBodies = heldBodies;
    }

    /** Where an encrypted object goes: its name, query, and upstream headers (without the envelope). */
    public record Target(
            String bucket, String key, dev.s3seal.s3.QueryParameters query, Map<String, List<String>> headers) {}

    /**
     * How a store ended: stored (the upstream response, the plaintext ETag, the version id), or
     * refused by the upstream ({@code error} = its small error document, read whole).
     */
    public record Outcome(
            dev.s3seal.upstream.UpstreamResponse response,
            byte[] error,
            String etag,
            String versionId,
            Optional<FlexibleChecksum> checksum) {

        public boolean stored() {
            return error == null;
        }
    }

    Mono<Void> put(ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys) {
        S3Request request = exchange.request();
        VerifiedBody body = VerifiedBody.of(exchange);
        Target target = new Target(request.bucket(), request.key(), request.query(), clientHeaders(request));
        byte[] clientMd5 = clientMd5(request);
        Mono<Outcome> stored = clientMd5 == null && etags.sealMd5AfterPut()
                ? storeHeldOrStreamed(exchange, decision, keys, target, body)
                : store(exchange, decision, keys, target, body.content(), body.length(), clientMd5, body.checksum());
        return stored.flatMap(outcome -> {
            var client = exchange.exchange().getResponse();
            if (!outcome.stored()) {
                Mono<Void> write = SmallExchanges.write(exchange, outcome.response(), outcome.error());
                EnvelopeHeaders.stripChecksums(client.getHeaders());
                return write;
            }
            client.setStatusCode(org.springframework.http.HttpStatusCode.valueOf(
                    outcome.response().status()));
            ForwardedHeaders.copyToClient(outcome.response().headers(), client.getHeaders());
            EnvelopeHeaders.stripChecksums(client.getHeaders());
            if (outcome.versionId() != null) {
                client.getHeaders().set("x-amz-version-id", outcome.versionId());
            }
            client.getHeaders().set("ETag", outcome.etag());
            outcome.checksum().ifPresent(checksum -> PlaintextChecksums.answer(client.getHeaders(), checksum));
            client.getHeaders().setContentLength(0);
            return client.setComplete();
        });
    }

    /**
     * A body the budget can hold is read whole and verified first, then stored in one PUT that carries
     * its sealed MD5; any other streams, and its MD5 is sealed afterwards by a self-copy. The
     * reservation is given back when the store ends, fails or is cancelled.
     */
    private Mono<Outcome> storeHeldOrStreamed(
            ProxyExchange exchange, PolicyDecision decision, ObjectKeys keys, Target target, VerifiedBody body) {
        return Mono.defer(() -> heldBodies
                .tryReserve(body.length())
                .map(reservation -> Mono.using(
                        () -> reservation,
                        held -> HeldPlaintext.read(body.content(), body.length())
                                .flatMap(plaintext -> store(
                                        exchange,
                                        decision,
                                        keys,
                                        target,
                                        plaintext.content(),
                                        plaintext.length(),
                                        plaintext.md5(),
                                        // the held body ended and verified: a trailer's value is known now
                                        BodyChecksum.known(body.checksum().verified()))),
                        BodyBudget.Reservation::close))
                .orElseGet(() ->
                        store(exchange, decision, keys, target, body.content(), body.length(), null, body.checksum())));
    }

    /**
     * Encrypts {@code plaintext} ({@code plaintextLength} bytes) under a fresh data key of the
     * decision's key and stores it as {@code target}; {@code knownMd5} (the plaintext's MD5, when the
     * caller already knows it) is sealed into the envelope, else the MD5 computed while streaming is
     * sealed afterwards by a self-copy. Nothing is written to the client here.
     */
    public Mono<Outcome> store(
            ProxyExchange exchange,
            PolicyDecision decision,
            ObjectKeys keys,
            Target target,
            Flux<DataBuffer> plaintext,
            long plaintextLength,
            byte[] knownMd5) {
        return store(exchange, decision, keys, target, plaintext, plaintextLength, knownMd5, BodyChecksum.NONE);
    }

    /**
     * As above, and the client's flexible checksum of the plaintext is sealed with the object
     * ({@code s3seal-x}): in the one PUT when its value is known before the body (a header, or a held
     * body), else with the sealed MD5 by the self-copy after the body verified.
     */
    public Mono<Outcome> store(
            ProxyExchange exchange,
            PolicyDecision decision,
            ObjectKeys keys,
            Target target,
            Flux<DataBuffer> plaintext,
            long plaintextLength,
            byte[] knownMd5,
            BodyChecksum checksum) {
        int segmentSize = decision.options().segmentSize();
        KeyContext context = ObjectContexts.forWrite(target.bucket(), target.key(), decision.key());
        DataBufferFactory factory = exchange.exchange().getResponse().bufferFactory();
        boolean md5After = knownMd5 == null && etags.sealMd5AfterPut();
        boolean checksumAfter =
                checksum.algorithm().isPresent() && checksum.upfront().isEmpty();
        boolean sealAfter = (md5After || checksumAfter) && plaintextLength <= CopySource.MAX_BYTES;
        return Mono.defer(() -> keys.writer(decision.key()).generateDataKey(context))
                .onErrorMap(KeyFailures::toS3)
                .flatMap(dataKey -> {
                    EncryptOperator encrypt;
                    Map<String, List<String>> headers = new LinkedHashMap<>(target.headers());
                    EnvelopeMetadata envelope;
                    byte[] keyCopy;
                    try (dataKey) {
                        SegmentEncryptor encryptor =
                                SegmentEncryptor.forObject(dataKey.plaintext(), segmentSize, plaintextLength);
                        byte[] sealedChecksum = checksum.upfront()
                                .map(value -> PlaintextChecksums.seal(dataKey.plaintext(), value, plaintextLength))
                                .orElse(null);
                        envelope = metadata(
                                dataKey, context, plaintextLength, segmentSize, knownMd5, sealedChecksum, encryptor);
                        envelope.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
                        encrypt = new EncryptOperator(encryptor, factory);
                        // kept only until the sealed MD5 is stored after the upload
                        keyCopy = sealAfter ? dataKey.plaintext().clone() : null;
                    }
                    long ciphertextLength = CiphertextSizes.ciphertextLength(plaintextLength, segmentSize);
                    UpstreamRequest put = new UpstreamRequest(
                            "PUT", target.bucket(), target.key(), target.query(), headers, ciphertextLength);
                    // a known MD5 is the body's (the body fails otherwise): it is not computed a second time
                    MessageDigest md5 = knownMd5 == null ? PlaintextEtags.md5() : null;
                    Flux<DataBuffer> ciphertext =
                            (md5 == null ? plaintext : PlaintextEtags.digesting(plaintext, md5)).transform(encrypt);
                    Supplier<byte[]> plaintextMd5 = md5 == null ? knownMd5::clone : md5::digest;
                    return send(put, ciphertext, envelope, keyCopy, plaintextMd5, checksum)
                            .doFinally(signal -> {
                                if (keyCopy != null) {
                                    java.util.Arrays.fill(keyCopy, (byte) 0);
                                }
                            });
                });
    }

    /**
     * Streams the ciphertext upstream; on success the plaintext MD5 is the ETag, sealed into the
     * object's metadata first when {@code dataKey} is given.
     */
    private Mono<Outcome> send(
            UpstreamRequest put,
            Flux<DataBuffer> ciphertext,
            EnvelopeMetadata envelope,
            byte[] dataKey,
            Supplier<byte[]> plaintextMd5,
            BodyChecksum checksum) {
        java.util.concurrent.atomic.AtomicReference<Throwable> bodyFailure =
                new java.util.concurrent.atomic.AtomicReference<>();
        Flux<DataBuffer> watched = ciphertext.doOnError(bodyFailure::set);
        return upstream.exchange(put, watched, (response, responseBody) -> {
                    if (!response.isSuccess()) {
                        return Buffers.readBytes(responseBody, SmallExchanges.MAX_ANSWER_BYTES)
                                .map(error -> new Outcome(response, error, null, null, Optional.empty()));
                    }
                    return Buffers.releaseAll(responseBody).then(Mono.defer(() -> {
                        byte[] digest = plaintextMd5.get();
                        Optional<FlexibleChecksum> verified = checksum.verified();
                        Mono<org.springframework.http.HttpHeaders> sealed = dataKey == null
                                ? Mono.empty()
                                : sealAfterPut(
                                                put,
                                                sealedAfter(envelope, dataKey, digest, verified),
                                                response.headers().getFirst("etag"))
                                        .flatMap(copied -> SupersededVersions.delete(
                                                        upstream,
                                                        put.bucket(),
                                                        put.key(),
                                                        response.headers().getFirst("x-amz-version-id"),
                                                        copied.getFirst("x-amz-version-id"))
                                                .thenReturn(copied));
                        return sealed.map(Optional::of)
                                .defaultIfEmpty(Optional.empty())
                                .map(copyHeaders -> new Outcome(
                                        response,
                                        null,
                                        PlaintextEtags.quoted(digest),
                                        copyHeaders
                                                .map(h -> h.getFirst("x-amz-version-id"))
                                                .orElse(response.headers().getFirst("x-amz-version-id")),
                                        verified));
                    }));
                })
                .next()
                .onErrorMap(error -> bodyFailure.get() != null ? bodyFailure.get() : error);
    }

    /** The envelope after the body: with the sealed MD5 and the sealed checksum it did not carry yet. */
    private EnvelopeMetadata sealedAfter(
            EnvelopeMetadata envelope, byte[] dataKey, byte[] md5, Optional<FlexibleChecksum> checksum) {
        EnvelopeMetadata sealed = envelope;
        if (sealed.sealedMd5() == null && etags.sealMd5AfterPut()) {
            sealed = sealed.withSealedMd5(EnvelopeMetadata.sealMd5(dataKey, md5, envelope.plaintextLength()));
        }
        if (sealed.sealedChecksum() == null && checksum.isPresent()) {
            sealed = sealed.withSealedChecksum(
                    PlaintextChecksums.seal(dataKey, checksum.get(), envelope.plaintextLength()));
        }
        return sealed;
    }

    /**
     * Stores the envelope sealed after the body (MD5, checksum) with a server-side self-copy pinned to
     * the object just written. A failure leaves a valid object without them (its reads show the
     * upstream's ETag and no checksum) and is logged.
     */
    private Mono<org.springframework.http.HttpHeaders> sealAfterPut(
            UpstreamRequest put, EnvelopeMetadata sealed, String upstreamEtag) {
        if (upstreamEtag == null) {
            return Mono.empty();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        put.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (OBJECT_HEADERS.contains(lower)
                    || (lower.startsWith("x-amz-meta-") && !EnvelopeMetadata.isReserved(lower))) {
                headers.put(lower, values);
            }
        });
        sealed.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        // an object stored under the client's SSE-C key (the rule allows it) is copied with it on both sides
        headers.putAll(CustomerKeyHeaders.carriedForSelfCopy(put.headers()));
        headers.put("x-amz-copy-source", List.of(new CopySource(put.bucket(), put.key()).toHeaderValue()));
        headers.put("x-amz-metadata-directive", List.of("REPLACE"));
        headers.put("x-amz-copy-source-if-match", List.of(upstreamEtag));
        UpstreamRequest copy =
                new UpstreamRequest("PUT", put.bucket(), put.key(), dev.s3seal.s3.QueryParameters.empty(), headers, -1);
        return upstream.exchange(copy, Flux.empty(), (response, body) -> {
                    Mono<Void> drained = Buffers.releaseAll(body);
                    if (response.isSuccess()) {
                        return drained.thenReturn(response.headers());
                    }
                    log.warn(
                            "storing the sealed MD5 and checksum of {}/{} failed: upstream answered {}",
                            put.bucket(),
                            put.key(),
                            response.status());
                    return drained.then(Mono.<org.springframework.http.HttpHeaders>empty());
                })
                .singleOrEmpty()
                .onErrorResume(error -> {
                    log.warn(
                            "storing the sealed MD5 and checksum of {}/{} failed: {}",
                            put.bucket(),
                            put.key(),
                            error.toString());
                    return Mono.empty();
                });
    }

    /**
     * The envelope the PUT carries, built once (each construction checks and measures every entry):
     * the sealed MD5 when the plaintext's is known, the sealed checksum when its value is, and the stream
     * header, which travels in the metadata too so that a ranged read is one request.
     */
    private static EnvelopeMetadata metadata(
            DataKey dataKey,
            KeyContext context,
            long plaintextLength,
            int segmentSize,
            byte[] clientMd5,
            byte[] sealedChecksum,
            SegmentEncryptor encryptor) {
        WrappedKey wrapped = dataKey.wrapped();
        byte[] sealedMd5 =
                clientMd5 == null ? null : EnvelopeMetadata.sealMd5(dataKey.plaintext(), clientMd5, plaintextLength);
        return new EnvelopeMetadata(
                ObjectFormat.VERSION_1,
                wrapped.provider(),
                wrapped.keyId(),
                wrapped.keyVersion(),
                wrapped.ciphertext(),
                plaintextLength,
                segmentSize,
                sealedMd5,
                null,
                null,
                ObjectContexts.recorded(wrapped, context),
                sealedChecksum,
                encryptor.header());
    }

    /**
     * The client's headers minus what described its plaintext body (s3seal verified those and
     * they do not hold for the ciphertext).
     */
    static Map<String, List<String>> clientHeaders(S3Request request) {
        return PlaintextFacts.without(
                ForwardedHeaders.toUpstream(request.headers(), request.header("x-amz-trailer") != null));
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

    public static String keyIdOf(KeyDefinition key) {
        return key instanceof KeyDefinition.KmsKey kms ? kms.keyId() : key.name();
    }
}
