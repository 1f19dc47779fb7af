package dev.s3seal.cli.rewrap;

import dev.s3seal.cli.support.UpstreamCalls;
import dev.s3seal.cli.verify.ObjectVerifier;
import dev.s3seal.cli.verify.VerifyVerdict;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.QueryParameters;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Re-wraps one object's data key under the key its rule names now, without touching its body: HEAD, and unless the
 * envelope already names the current key ({@link RewrapTarget}), unwrap the data key for this name under the key the
 * envelope names, wrap it again under the rule's key, and write the new envelope by a metadata-only copy of the
 * object onto itself ({@link SelfCopy}). The segments, the sealed MD5 and a multipart object's manifest are keyed by
 * the data key alone, so they stay valid. The plaintext data key lives only between the unwrap and the wrap and is
 * zeroed after. Every outcome is a {@link RewrapVerdict}; nothing here throws.
 */
final class ObjectRewrapper {

    /** The name a throw-away key is wrapped for to learn the current key ({@link RewrapTarget}); never written. */
    private static final String PROBE_KEY = ".s3seal-rewrap-probe";

    private static final String USER_PREFIX = "x-amz-meta-";

    private final UpstreamCalls calls;
    private final KeyRegistry keys;
    private final SelfCopy copy;
    private final Map<String, Mono<RewrapTarget>> targets = new ConcurrentHashMap<>();

    ObjectRewrapper(UpstreamCalls calls, KeyRegistry keys) {
        this.calls = calls;
        this.keys = keys;
        this.copy = new SelfCopy(calls);
    }

    /** Re-wraps {@code bucket}/{@code key}, which {@code decision} (a cse-* rule) says s3seal encrypts. */
    Mono<RewrapVerdict> rewrap(String bucket, String key, PolicyDecision decision, boolean dryRun) {
        return calls.call("HEAD", bucket, key, QueryParameters.empty(), Map.of(), null)
                .flatMap(head -> {
                    if (head.response().status() == 404) {
                        return Mono.just(RewrapVerdict.skipped(key, "gone", "deleted since it was listed"));
                    }
                    if (!head.response().isSuccess()) {
                        return Mono.just(RewrapVerdict.failed(
                                key,
                                "unreadable",
                                "the store answered " + head.response().status() + " to HEAD"));
                    }
                    return rewrap(bucket, key, decision, head.response().headers(), dryRun);
                })
                .onErrorResume(error -> Mono.just(failure(key, error)));
    }

    private Mono<RewrapVerdict> rewrap(
            String bucket, String key, PolicyDecision decision, HttpHeaders stored, boolean dryRun) {
        Map<String, String> entries = envelopeEntries(stored);
        if (entries.isEmpty()) {
            return Mono.just(
                    S3ecMetadata.looksEncrypted(userMetadata(stored))
                            ? RewrapVerdict.skipped(
                                    key,
                                    "s3ec-format",
                                    "in the AWS S3 Encryption Client's format, whose data key"
                                            + " is wrapped by that client's keyring: rewrap moves only s3seal's envelopes")
                            : RewrapVerdict.skipped(
                                    key,
                                    "not-encrypted",
                                    "no encryption envelope under rule '"
                                            + decision.rule().name() + "' ("
                                            + decision.mode().yamlName() + "): see migrate"));
        }
        EnvelopeMetadata envelope;
        try {
            envelope = EnvelopeMetadata.fromHeaders(entries);
        } catch (IllegalArgumentException damaged) {
            return Mono.just(RewrapVerdict.failed(
                    key, "unknown-format", "the s3seal metadata is not valid: " + damaged.getMessage()));
        }
        if (envelope.isPending()) {
            return Mono.just(RewrapVerdict.failed(
                    key, "unknown-format", "a multipart upload that was completed but never sealed by s3seal"));
        }
        KeyDefinition ruleKey = decision.key().orElseThrow();
        Map<String, String> extra = extraContext(ruleKey);
        return target(bucket, ruleKey, extra).flatMap(target -> {
            if (target.isCurrent(envelope)) {
                return Mono.just(RewrapVerdict.current(key));
            }
            String change = RewrapTarget.describe(envelope.providerKind(), envelope.keyId(), envelope.keyVersion())
                    + " -> " + target.describe();
            if (dryRun) {
                return Mono.just(RewrapVerdict.wouldRewrap(key, change));
            }
            return rewrapped(bucket, key, envelope, stored.getFirst("etag"), ruleKey, extra)
                    .flatMap(rewrapped -> write(bucket, key, stored, rewrapped))
                    .thenReturn(RewrapVerdict.rewrapped(key, change));
        });
    }

    /** The envelope with the data key unwrapped for this object and wrapped again under the rule's key. */
    private Mono<Rewrapped> rewrapped(
            String bucket,
            String key,
            EnvelopeMetadata envelope,
            String etag,
            KeyDefinition ruleKey,
            Map<String, String> extra) {
        WrappedKey old =
                new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
        // the context the write recorded with the wrapped key, as the proxy's reads use it
        KeyContext readContext = KeyContext.of(
                bucket, key, envelope.context() != null ? envelope.context() : keys.legacyContextFor(envelope.keyId()));
        KeyContext writeContext = KeyContext.of(bucket, key, extra);
        return Mono.defer(() -> keys.reader(old).unwrap(old, readContext)).flatMap(dataKey -> {
            MultipartLayout layout;
            try {
                // a multipart object's manifest is opened (authenticated) now: its part ranges drive the copy
                layout = envelope.manifest() == null
                        ? null
                        : new MultipartLayout(
                                MultipartEnvelope.openManifest(envelope, dataKey, etag), envelope.segmentSize());
            } catch (RuntimeException damaged) {
                Arrays.fill(dataKey, (byte) 0);
                return Mono.error(damaged);
            }
            return keys.writer(ruleKey)
                    .wrap(dataKey, writeContext)
                    .map(wrapped -> new Rewrapped(
                            new EnvelopeMetadata(
                                    ObjectFormat.VERSION_1,
                                    wrapped.provider(),
                                    wrapped.keyId(),
                                    wrapped.keyVersion(),
                                    wrapped.ciphertext(),
                                    envelope.plaintextLength(),
                                    envelope.segmentSize(),
                                    envelope.sealedMd5(),
                                    envelope.partCount(),
                                    envelope.manifest(),
                                    writeContext.recordedWith(wrapped),
                                    envelope.sealedChecksum(),
                                    // the body is not touched, so its stream header copy stays as it is
                                    envelope.streamHeader()),
                            layout))
                    .doFinally(signal -> Arrays.fill(dataKey, (byte) 0));
        });
    }

    private record Rewrapped(EnvelopeMetadata envelope, MultipartLayout layout) {}

    private Mono<Void> write(String bucket, String key, HttpHeaders stored, Rewrapped rewrapped) {
        String etag = stored.getFirst("etag");
        Map<String, List<String>> headers = SelfCopy.headers(stored, rewrapped.envelope());
        return rewrapped.layout() == null
                ? copy.singlePart(bucket, key, etag, headers)
                : copy.multipart(bucket, key, etag, rewrapped.layout(), headers);
    }

    /**
     * The current key of {@code ruleKey} in {@code bucket}, learnt once per bucket and key by wrapping a throw-away
     * key with the rule's writer (a failure is not remembered: the next object asks again).
     */
    private Mono<RewrapTarget> target(String bucket, KeyDefinition ruleKey, Map<String, String> extra) {
        return targets.computeIfAbsent(bucket + "\n" + ruleKey.name(), name -> {
            KeyContext probe = KeyContext.of(bucket, PROBE_KEY, extra);
            byte[] throwAway = new byte[32];
            return Mono.defer(() -> keys.writer(ruleKey).wrap(throwAway, probe))
                    .map(wrapped -> RewrapTarget.of(wrapped, probe))
                    .cache(target -> Duration.ofDays(365), error -> Duration.ZERO, () -> Duration.ZERO);
        });
    }

    /** The rule key's extra context: a KMS key's {@code encryption-context}, none for the others (as the proxy writes). */
    private static Map<String, String> extraContext(KeyDefinition ruleKey) {
        return ruleKey instanceof KeyDefinition.KmsKey kms ? kms.encryptionContext() : Map.of();
    }

    /** The failure's reason, in verify's words where they apply ({@link ObjectVerifier#failure}). */
    static RewrapVerdict failure(String key, Throwable error) {
        Throwable e = Exceptions.unwrap(error);
        if (e instanceof SelfCopy.Changed changed) {
            return RewrapVerdict.failed(key, "changed", changed.getMessage());
        }
        if (e instanceof SelfCopy.Refused refused) {
            return RewrapVerdict.failed(key, "unreadable", refused.getMessage());
        }
        VerifyVerdict verdict = ObjectVerifier.failure(key, 0, e);
        return RewrapVerdict.failed(key, verdict.reason().label(), verdict.detail());
    }

    private static Map<String, String> envelopeEntries(HttpHeaders headers) {
        Map<String, String> entries = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (EnvelopeMetadata.isReserved(name) && !values.isEmpty()) {
                entries.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return entries;
    }

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
}
