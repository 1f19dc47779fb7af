package dev.s3seal.web.listing;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.StoredLength;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.customer.CustomerKeyProvider;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.object.S3ecDownload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link ListedFacts} of listed objects: a listing carries no metadata, so each is looked up
 * (HEAD, of the listed version in a version listing; for a sealed single-part s3seal object also
 * unwrap its data key and open the sealed MD5) and cached by (bucket, key, version, upstream ETag).
 * The upstream ETag changes whenever the stored bytes change, and the HEAD is pinned to it with
 * If-Match, so a cached answer is never stale; the cache is a bounded LRU. An object that changed
 * since it was listed, or whose lookup failed, has no facts (the listing falls back to arithmetic on
 * its stored size); facts without the plaintext ETag a later lookup could add (unwrap failed, object
 * not sealed yet) are answered but not cached.
 */
final class ListingLookups {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ListingLookups.class);

    static final int DEFAULT_CAPACITY = 100_000;
    static final int CONCURRENCY = 16;

    /** A listed object; {@code versionId} is set for entries of a version listing. */
    record Entry(String bucket, String key, String versionId, String upstreamEtag) {}

    /** Facts from one HEAD, and whether they are final (worth caching). */
    private record Lookup(ListedFacts facts, boolean cacheable) {}

    private final UpstreamClient upstream;
    private final KeyRegistries keys;
    private final Map<Entry, ListedFacts> cache;

    ListingLookups(UpstreamClient upstream, KeyRegistries keys, int capacity) {
        this.upstream = upstream;
        this.keys = keys;
        this.cache = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Entry, ListedFacts> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The facts of those {@code entries} whose lookup succeeded; at most 16 lookups in flight. */
    Mono<Map<Entry, ListedFacts>> resolve(List<Entry> entries) {
        return Flux.fromIterable(entries)
                .flatMap(
                        entry -> {
                            ListedFacts cached = cache.get(entry);
                            if (cached != null) {
                                return Mono.just(Map.entry(entry, cached));
                            }
                            return lookup(entry).map(found -> {
                                if (found.cacheable()) {
                                    cache.put(entry, found.facts());
                                }
                                return Map.entry(entry, found.facts());
                            });
                        },
                        CONCURRENCY)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    int size() {
        return cache.size();
    }

    void clear() {
        cache.clear();
    }

    private Mono<Lookup> lookup(Entry entry) {
        // "null" is the version of an object written while versioning was off: the If-Match pin
        // makes the HEAD of the current object answer for it only when it is that version
        QueryParameters version = entry.versionId() == null || entry.versionId().equals("null")
                ? QueryParameters.empty()
                : QueryParameters.empty().with("versionId", entry.versionId());
        UpstreamRequest head = new UpstreamRequest(
                "HEAD", entry.bucket(), entry.key(), version, Map.of("if-match", List.of(entry.upstreamEtag())), -1);
        return upstream.exchange(head, Flux.empty(), (response, body) -> {
                    Mono<Void> drained = Buffers.releaseAll(body);
                    if (!response.isSuccess()) {
                        return drained.then(Mono.<Lookup>empty());
                    }
                    // a damaged envelope or a too short client-format object: no facts (an error here is resumed below)
                    return drained.then(Mono.defer(() -> facts(entry, response.headers())));
                })
                .singleOrEmpty()
                .onErrorResume(error -> {
                    if (error instanceof AuthenticationFailedException tampered) {
                        // listed by the closed form of its stored size, never by the metadata's claim; a GET refuses it
                        log.warn(
                                "listing lookup of {}/{}: the object failed authentication ({})",
                                entry.bucket(),
                                entry.key(),
                                tampered.reason());
                        return Mono.empty();
                    }
                    log.debug("listing lookup of {}/{} failed: {}", entry.bucket(), entry.key(), error.toString());
                    return Mono.empty();
                });
    }

    private Mono<Lookup> facts(Entry entry, HttpHeaders stored) {
        EnvelopeMetadata envelope = EnvelopeHeaders.read(stored);
        if (envelope == null) {
            if (stored.getContentLength() < 0) {
                return Mono.empty();
            }
            return Mono.just(
                    S3ecDownload.isS3ec(stored)
                            ? new Lookup(
                                    new ListedFacts(
                                            ListedFacts.Kind.S3EC,
                                            S3ecContentKey.plaintextLength(stored.getContentLength()),
                                            null),
                                    true)
                            : new Lookup(
                                    new ListedFacts(ListedFacts.Kind.UNENCRYPTED, stored.getContentLength(), null),
                                    true));
        }
        if (envelope.isPending()) {
            return Mono.empty();
        }
        // the size by the closed form of the stored length, never s3seal-l's claim (design.md, "Lengths")
        long size = StoredLength.closedForm(
                envelope,
                EnvelopeHeaders.storedLength(stored),
                MultipartEnvelope.etagPartCount(stored.getFirst("etag")));
        ListedFacts sized = new ListedFacts(ListedFacts.Kind.S3SEAL, size, null);
        if (size != envelope.plaintextLength()) {
            log.warn(
                    "listing lookup of {}/{}: the object's declared length differs from its stored length's; listed "
                            + "by the stored length",
                    entry.bucket(),
                    entry.key());
            return Mono.just(new Lookup(sized, false));
        }
        // sse-c emulated: the data key needs the client's key, so such objects keep the stored
        // ETag, as S3 shows for SSE-C objects (it is not their MD5 there either)
        boolean noPlaintextEtag =
                envelope.manifest() != null || CustomerKeyProvider.PROVIDER.equals(envelope.providerKind());
        if (noPlaintextEtag || envelope.sealedMd5() == null) {
            // not sealed yet: the sealing self-copy adds s3seal-h without changing the upstream ETag
            return Mono.just(new Lookup(sized, noPlaintextEtag));
        }
        return unwrap(entry, envelope)
                .map(dataKey -> {
                    try {
                        return new Lookup(sized.withEtag(PlaintextEtags.of(envelope, dataKey)), true);
                    } finally {
                        java.util.Arrays.fill(dataKey, (byte) 0);
                    }
                })
                .onErrorResume(error -> {
                    log.debug(
                            "plaintext ETag of {}/{} not available: {}", entry.bucket(), entry.key(), error.toString());
                    return Mono.just(new Lookup(sized, false));
                });
    }

    private Mono<byte[]> unwrap(Entry entry, EnvelopeMetadata envelope) {
        return keys.current().flatMap(registry -> {
            WrappedKey wrapped = new WrappedKey(
                    envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
            KeyContext context = ObjectContexts.forRead(registry, entry.bucket(), entry.key(), envelope);
            return Mono.defer(() -> registry.reader(wrapped).unwrap(wrapped, context));
        });
    }
}
