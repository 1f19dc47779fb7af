package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.SmallCalls;
import dev.s3seal.cli.support.StoredObject;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.xml.StrictXml;
import dev.s3seal.upstream.UpstreamRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Migrates one object: examines it with a HEAD, decides with the rule a write of it gets ({@link MigrationPlan}),
 * and rewrites it encrypted ({@link EncryptingRewrite}) with its content headers, user metadata and tags. An object
 * that changes under the rewrite (a client wrote or deleted it: the pinned requests answer 412 or 404) is examined
 * again, up to {@link #MAX_ATTEMPTS} times; usually the client's write went through the proxy and the second look
 * finds it encrypted. Every outcome is a {@link MigrateVerdict}; nothing here throws.
 */
final class ObjectMigrator {

    static final int MAX_ATTEMPTS = 3;

    private final BucketTools tools;
    private final SmallCalls small;
    private final EncryptingRewrite rewrite;
    private final String principal;
    private final boolean dryRun;

    ObjectMigrator(BucketTools tools, EncryptingRewrite rewrite, String principal, boolean dryRun) {
        this.tools = tools;
        this.small = new SmallCalls(tools.upstream());
        this.rewrite = rewrite;
        this.principal = principal;
        this.dryRun = dryRun;
    }

    Mono<MigrateVerdict> migrate(String bucket, String key) {
        return attempt(bucket, key, 1).onErrorResume(error -> Mono.just(failure(key, error)));
    }

    private Mono<MigrateVerdict> attempt(String bucket, String key, int attempt) {
        UpstreamRequest head = new UpstreamRequest("HEAD", bucket, key, QueryParameters.empty(), Map.of(), -1);
        return small.call(head).flatMap(answer -> {
            if (answer.status() == 404) {
                return Mono.just(MigrateVerdict.skipped(key, MigrateVerdict.GONE, "deleted since it was listed"));
            }
            if (!answer.isSuccess()) {
                return Mono.just(MigrateVerdict.failed(
                        key, MigrateVerdict.UNREADABLE, "the store answered " + answer.status() + " to HEAD"));
            }
            StoredObject stored = StoredObject.of(answer.response().headers());
            PolicyDecision decision = tools.policy().decide(principal, bucket, key, Operation.WRITE);
            MigrationPlan plan = MigrationPlan.decide(decision, stored);
            return switch (plan.action()) {
                case SKIP -> Mono.just(MigrateVerdict.skipped(key, plan.reason(), plan.detail()));
                case FAIL -> Mono.just(MigrateVerdict.failed(key, plan.reason(), plan.detail()));
                case ENCRYPT ->
                    dryRun
                            ? Mono.just(MigrateVerdict.wouldMigrate(
                                    key, stored.length(), stored.length() + " bytes, " + plan.detail()))
                            : encrypt(bucket, key, stored, decision, plan, attempt);
            };
        });
    }

    private Mono<MigrateVerdict> encrypt(
            String bucket, String key, StoredObject stored, PolicyDecision decision, MigrationPlan plan, int attempt) {
        return objectHeaders(bucket, key, stored)
                .flatMap(headers -> rewrite.rewrite(new RewriteSource(bucket, key, stored, headers), decision))
                .thenReturn(MigrateVerdict.migrated(key, stored.length(), stored.length() + " bytes, " + plan.detail()))
                .onErrorResume(
                        PinnedTransfers.ObjectChanged.class,
                        changed -> attempt < MAX_ATTEMPTS
                                ? attempt(bucket, key, attempt + 1)
                                : Mono.just(MigrateVerdict.failed(
                                        key,
                                        MigrateVerdict.CHANGING,
                                        "changed during each of " + MAX_ATTEMPTS + " attempts; rerun to migrate it")));
    }

    /** The headers the rewrite sets again: the HEAD's content headers and user metadata, and the object's tags. */
    private Mono<Map<String, List<String>>> objectHeaders(String bucket, String key, StoredObject stored) {
        Map<String, List<String>> headers = new LinkedHashMap<>(stored.carriedHeaders());
        if (stored.tagCount() == 0) {
            return Mono.just(headers);
        }
        UpstreamRequest tagging =
                new UpstreamRequest("GET", bucket, key, QueryParameters.empty().with("tagging", null), Map.of(), -1);
        return small.call(tagging).map(answer -> {
            if (!answer.isSuccess()) {
                // rewriting without them would drop the tags: leave the object as it is
                throw new PinnedTransfers.StoreRefused("its tags cannot be read (the store answered " + answer.status()
                        + " to GET ?tagging), so it is left as it is");
            }
            headers.put("x-amz-tagging", List.of(taggingHeader(answer.body())));
            return headers;
        });
    }

    /** GetObjectTagging's answer as the {@code x-amz-tagging} header a write takes: {@code k=v&...}, percent-encoded. */
    static String taggingHeader(byte[] xml) {
        List<String> pairs = new ArrayList<>();
        try {
            StrictXml.Element tagSet = StrictXml.read(xml, "Tagging").one("TagSet");
            for (StrictXml.Element tag : tagSet.all("Tag")) {
                StrictXml.Element value = tag.optional("Value");
                pairs.add(encode(tag.one("Key").leafText()) + "=" + encode(value == null ? "" : value.leafText()));
            }
        } catch (S3Exception malformed) {
            throw new PinnedTransfers.StoreRefused(
                    "its tags are not a GetObjectTagging answer, so it is left as it is");
        }
        return String.join("&", pairs);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A failure's verdict; these messages carry no key material. */
    static MigrateVerdict failure(String key, Throwable error) {
        Throwable e = Exceptions.unwrap(error);
        if (e instanceof KeyProviderException keyFailure) {
            return MigrateVerdict.failed(
                    key,
                    MigrateVerdict.KEY_UNAVAILABLE,
                    "no data key (" + keyFailure.reason().name().toLowerCase(java.util.Locale.ROOT) + "): "
                            + keyFailure.getMessage());
        }
        if (e instanceof PinnedTransfers.StoreRefused refused) {
            return MigrateVerdict.failed(key, MigrateVerdict.UNREADABLE, refused.getMessage());
        }
        return MigrateVerdict.failed(
                key, MigrateVerdict.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
