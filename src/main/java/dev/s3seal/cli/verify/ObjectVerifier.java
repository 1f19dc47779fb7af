package dev.s3seal.cli.verify;

import dev.s3seal.cli.verify.VerifyVerdict.Reason;
import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.StoredLength;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.BodyLengthMismatchException;
import dev.s3seal.stream.Buffers;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.stream.s3ec.S3ecDecryptOperator;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads one object from the upstream and authenticates all of it with the proxy's own decryptors
 * ({@link DecryptOperator} for s3seal's format, single-part and sealed multipart; {@link S3ecDecryptOperator} for
 * the AWS S3 Encryption Client's), under the keys of the policy ({@link KeyRegistry}), exactly as a whole GET through
 * the proxy would; the plaintext is counted and released buffer by buffer, so memory stays one segment per object.
 * Every failure becomes a {@link VerifyVerdict} with its reason; nothing here throws.
 */
public final class ObjectVerifier {

    private static final String USER_PREFIX = "x-amz-meta-";
    private static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    private final UpstreamClient upstream;
    private final KeyRegistry keys;

    ObjectVerifier(UpstreamClient upstream, KeyRegistry keys) {
        this.upstream = upstream;
        this.keys = keys;
    }

    /** Verifies {@code bucket}/{@code key}, which {@code decision} (a cse-* rule) says s3seal encrypts. */
    Mono<VerifyVerdict> verify(String bucket, String key, PolicyDecision decision) {
        UpstreamRequest get = new UpstreamRequest("GET", bucket, key, QueryParameters.empty(), Map.of(), -1);
        return upstream.exchange(get, Flux.empty(), (response, body) -> read(bucket, key, decision, response, body))
                .next()
                .onErrorResume(error -> Mono.just(failure(key, 0, error)));
    }

    private Mono<VerifyVerdict> read(
            String bucket,
            String key,
            PolicyDecision decision,
            UpstreamResponse response,
            Flux<DataBuffer> upstreamBody) {
        long stored = Math.max(0, response.headers().getContentLength());
        AtomicBoolean bodyRead = new AtomicBoolean();
        Flux<DataBuffer> body = upstreamBody.doOnSubscribe(subscription -> bodyRead.set(true));
        if (!response.isSuccess()) {
            return drain(body)
                    .thenReturn(VerifyVerdict.failed(
                            key, 0, Reason.UNREADABLE, "the store answered " + response.status() + " to GET"));
        }
        Map<String, String> envelopeEntries = envelopeEntries(response.headers());
        Map<String, String> userMetadata = userMetadata(response.headers());
        Mono<Long> plaintext;
        if (!envelopeEntries.isEmpty()) {
            plaintext = s3seal(bucket, key, envelopeEntries, response.headers(), body);
        } else if (S3ecMetadata.looksEncrypted(userMetadata)) {
            plaintext = s3ec(userMetadata, decision, stored, body);
        } else {
            return drain(body)
                    .thenReturn(VerifyVerdict.failed(
                            key,
                            stored,
                            Reason.NOT_ENCRYPTED,
                            "no encryption"
                                    + " envelope (neither s3seal's nor the AWS S3 Encryption Client's) under rule '"
                                    + decision.rule().name() + "' ("
                                    + decision.mode().yamlName() + ")"));
        }
        // a failure found before the body was read (metadata, lengths, key) still reads it to the end, so the
        // connection goes back to the pool instead of being torn down mid-response
        return plaintext
                .map(bytes -> VerifyVerdict.ok(key, stored))
                .onErrorResume(error -> (bodyRead.get() ? Mono.<Void>empty() : drain(body))
                        .onErrorResume(ignored -> Mono.empty())
                        .thenReturn(failure(key, stored, error)));
    }

    private static Mono<Void> drain(Flux<DataBuffer> body) {
        return Buffers.releaseAll(body);
    }

    /** s3seal's format: the lengths checked against the stored length, the data key unwrapped for this name, every segment. */
    private Mono<Long> s3seal(
            String bucket, String key, Map<String, String> entries, HttpHeaders headers, Flux<DataBuffer> body) {
        EnvelopeMetadata envelope;
        try {
            envelope = EnvelopeMetadata.fromHeaders(entries);
        } catch (IllegalArgumentException damaged) {
            return Mono.error(new UnknownFormat("the s3seal metadata is not valid: " + damaged.getMessage()));
        }
        if (envelope.isPending()) {
            return Mono.error(new UnknownFormat("a multipart upload that was completed but never sealed by s3seal"));
        }
        String etag = headers.getFirst("etag");
        long plaintextLength;
        try {
            plaintextLength = StoredLength.plaintextLength(
                    envelope, headers.getContentLength(), MultipartEnvelope.etagPartCount(etag));
        } catch (RuntimeException mismatch) {
            return Mono.error(mismatch);
        }
        WrappedKey wrapped =
                new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
        // the context the write recorded with the wrapped key, as the proxy's reads use it
        KeyContext context = KeyContext.of(
                bucket, key, envelope.context() != null ? envelope.context() : keys.legacyContextFor(envelope.keyId()));
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context)).flatMap(dataKey -> {
            DecryptOperator decrypt;
            try {
                decrypt = envelope.manifest() == null
                        ? DecryptOperator.object(dataKey, envelope.segmentSize(), plaintextLength, BUFFERS)
                        : DecryptOperator.multipart(
                                dataKey,
                                MultipartEnvelope.openManifest(envelope, dataKey, etag),
                                envelope.segmentSize(),
                                BUFFERS);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
            return countAndDiscard(body.transform(decrypt), plaintextLength);
        });
    }

    /** The AWS S3 Encryption Client's format: unwrapped only by the rule's key (as the proxy does), one tag at the end. */
    private Mono<Long> s3ec(
            Map<String, String> userMetadata, PolicyDecision decision, long stored, Flux<DataBuffer> body) {
        S3ecMetadata metadata;
        long plaintextLength;
        try {
            metadata = S3ecMetadata.fromUserMetadata(userMetadata);
            plaintextLength = S3ecContentKey.plaintextLength(stored, metadata.unencryptedLength());
        } catch (S3ecException invalid) {
            return Mono.error(invalid);
        }
        return keys.s3ec().unwrap(metadata, decision.key().orElse(null)).flatMap(dataKey -> {
            S3ecContentKey contentKey;
            try {
                contentKey = S3ecContentKey.forDecryption(metadata, dataKey);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
            return countAndDiscard(body.transform(new S3ecDecryptOperator(contentKey, BUFFERS)), plaintextLength)
                    .doFinally(signal -> contentKey.close());
        });
    }

    /** Counts the authenticated plaintext and releases it at once; fails unless it is exactly {@code expected} bytes. */
    private static Mono<Long> countAndDiscard(Flux<DataBuffer> plaintext, long expected) {
        return plaintext
                .reduce(0L, (count, buffer) -> {
                    long total = count + buffer.readableByteCount();
                    DataBufferUtils.release(buffer);
                    return total;
                })
                .defaultIfEmpty(0L)
                .flatMap(count -> count == expected
                        ? Mono.just(count)
                        : Mono.error(new AuthenticationFailedException(
                                AuthenticationFailedException.Reason.TRUNCATED,
                                "the body decrypts to " + count + " bytes but its authenticated length is "
                                        + expected)));
    }

    /** The failure's reason; messages of these exceptions never carry key material. */
    public static VerifyVerdict failure(String key, long stored, Throwable error) {
        Throwable e = Exceptions.unwrap(error);
        if (e instanceof UnknownFormat unknown) {
            return VerifyVerdict.failed(key, stored, Reason.UNKNOWN_FORMAT, unknown.getMessage());
        }
        if (e instanceof AuthenticationFailedException auth) {
            Reason reason = switch (auth.reason()) {
                case TRUNCATED, LENGTH_MISMATCH -> Reason.TRUNCATED;
                case UNSUPPORTED_VERSION -> Reason.UNKNOWN_FORMAT;
                default -> Reason.TAMPERED;
            };
            return VerifyVerdict.failed(
                    key, stored, reason, auth.reason().name().toLowerCase(Locale.ROOT) + ": " + auth.getMessage());
        }
        if (e instanceof BodyLengthMismatchException length) {
            return VerifyVerdict.failed(key, stored, Reason.TRUNCATED, length.getMessage());
        }
        if (e instanceof KeyProviderException keyFailure) {
            return VerifyVerdict.failed(
                    key,
                    stored,
                    keyFailure.retryable() ? Reason.UNREADABLE : Reason.WRONG_KEY,
                    "the data key does not unwrap ("
                            + keyFailure.reason().name().toLowerCase(Locale.ROOT) + "): " + keyFailure.getMessage());
        }
        if (e instanceof S3ecException s3ec) {
            Reason reason = switch (s3ec.reason()) {
                case KEY_UNWRAP_FAILED, CONTEXT_MISMATCH -> Reason.WRONG_KEY;
                case KEY_SERVICE_UNAVAILABLE -> Reason.UNREADABLE;
                case AUTHENTICATION_FAILED, COMMITMENT_MISMATCH -> Reason.TAMPERED;
                case INVALID_LENGTH -> Reason.TRUNCATED;
                default -> Reason.UNKNOWN_FORMAT;
            };
            return VerifyVerdict.failed(
                    key,
                    stored,
                    reason,
                    "S3 Encryption Client format, " + s3ec.reason().name().toLowerCase(Locale.ROOT) + ": "
                            + s3ec.getMessage());
        }
        if (e instanceof IllegalArgumentException damaged) {
            return VerifyVerdict.failed(key, stored, Reason.UNKNOWN_FORMAT, damaged.getMessage());
        }
        return VerifyVerdict.failed(
                key, stored, Reason.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** s3seal's envelope entries ({@code x-amz-meta-s3seal-*}), names lower case, as {@link EnvelopeMetadata#fromHeaders} takes them. */
    private static Map<String, String> envelopeEntries(HttpHeaders headers) {
        Map<String, String> entries = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (EnvelopeMetadata.isReserved(name) && !values.isEmpty()) {
                entries.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return entries;
    }

    /** The user metadata, names lower case without {@code x-amz-meta-}. */
    private static Map<String, String> userMetadata(HttpHeaders headers) {
        Map<String, String> metadata = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(USER_PREFIX) && !values.isEmpty()) {
                metadata.put(lower.substring(USER_PREFIX.length()), values.get(0));
            }
        });
        return metadata;
    }

    /** Envelope metadata s3seal cannot read as any format it knows. */
    private static final class UnknownFormat extends RuntimeException {
        UnknownFormat(String message) {
            super(message, null, false, false);
        }
    }
}
