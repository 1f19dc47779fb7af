package dev.s3seal.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyRegistries;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;

/**
 * Plaintext ETags for listed single-part objects: a listing carries no metadata, so each is
 * looked up (HEAD, of the listed version in a version listing; unwrap, open the sealed MD5) and
 * cached by (bucket, key, version, upstream ETag). The
 * upstream ETag changes whenever the stored bytes change, so a cached answer is never stale; the
 * cache is a bounded LRU. An object without a sealed MD5, or one that changed since it was listed,
 * keeps its upstream ETag (and is not cached).
 */
final class ListingEtags {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ListingEtags.class);

    static final int DEFAULT_CAPACITY = 100_000;
    static final int CONCURRENCY = 16;

    /** A listed object; {@code versionId} is set for entries of a version listing. */
    record Entry(String bucket, String key, String versionId, String upstreamEtag) {
    }

    private final UpstreamClient upstream;
    private final KeyRegistries keys;
    private final Map<Entry, String> cache;

    ListingEtags(UpstreamClient upstream, KeyRegistries keys, int capacity) {
        this.upstream = upstream;
        this.keys = keys;
        this.cache = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Entry, String> eldest) {
                return size() > capacity;
            }
        });
    }

    /** Plaintext ETags (quoted) of those {@code entries} that have one; at most 16 lookups in flight. */
    Mono<Map<Entry, String>> resolve(List<Entry> entries) {
        return Flux.fromIterable(entries)
                .flatMap(entry -> {
                    String cached = cache.get(entry);
                    if (cached != null) {
                        return Mono.just(Map.entry(entry, cached));
                    }
                    return lookup(entry).map(etag -> Map.entry(entry, etag));
                }, CONCURRENCY)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    int size() {
        return cache.size();
    }

    void clear() {
        cache.clear();
    }

    private Mono<String> lookup(Entry entry) {
        // "null" is the version of an object written while versioning was off: the If-Match pin
        // makes the HEAD of the current object answer for it only when it is that version
        QueryParameters version = entry.versionId() == null || entry.versionId().equals("null")
                ? QueryParameters.empty() : QueryParameters.empty().with("versionId", entry.versionId());
        UpstreamRequest head = new UpstreamRequest("HEAD", entry.bucket(), entry.key(), version,
                Map.of("if-match", List.of(entry.upstreamEtag())), -1);
        return upstream.exchange(head, Flux.empty(), (response, body) -> {
            Mono<Void> drained = body.doOnNext(DataBufferUtils::release).then();
            if (!response.isSuccess()) {
                return drained.then(Mono.<String>empty());
            }
            EnvelopeMetadata envelope;
            try {
                envelope = EnvelopeHeaders.read(response.headers());
            } catch (RuntimeException corrupt) {
                return drained.then(Mono.<String>empty());
            }
            if (envelope == null || envelope.isPending() || envelope.sealedMd5() == null
                    || envelope.manifest() != null) {
                return drained.then(Mono.<String>empty());
            }
            return drained.then(unwrap(entry, envelope)).map(dataKey -> {
                try {
                    return Optional.ofNullable(PlaintextEtags.of(envelope, dataKey));
                } finally {
                    java.util.Arrays.fill(dataKey, (byte) 0);
                }
            }).flatMap(Mono::justOrEmpty);
        }).singleOrEmpty().doOnNext(etag -> cache.put(entry, etag)).onErrorResume(error -> {
            log.debug("plaintext ETag lookup of {}/{} failed: {}", entry.bucket(), entry.key(), error.toString());
            return Mono.empty();
        });
    }

    private Mono<byte[]> unwrap(Entry entry, EnvelopeMetadata envelope) {
        return keys.current().flatMap(registry -> {
            WrappedKey wrapped = new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(),
                    envelope.wrappedKey());
            KeyContext context = KeyContext.of(entry.bucket(), entry.key(), registry.contextFor(envelope.keyId()));
            return Mono.defer(() -> registry.reader(wrapped).unwrap(wrapped, context));
        });
    }
}
