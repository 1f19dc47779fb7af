package dev.s3seal.web.listing;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.policy.Format;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.listing.ListedObject;
import dev.s3seal.s3.listing.ListingRewriter;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.EtagSettings;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.exchange.UpstreamAnswers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * ListObjects (v1, v2) and ListObjectVersions where client-side rules apply: sizes become plaintext
 * sizes and single-part s3seal objects show their plaintext ETag. Each entry is decided by its own
 * key, so a passthrough prefix inside an encrypted bucket keeps its sizes. With listing lookups on
 * (the default) each single-part entry's stored object is looked up once for its plaintext ETag
 * ({@link ListingLookups}: HEAD, cached), and the same HEAD makes its size exact whatever the object
 * is: s3seal's format with any segment size, the AWS client's format, or unencrypted (migration).
 * Multipart entries, and every entry without lookups or whose lookup failed, are sized by arithmetic
 * on the stored size under the rule's format and segment size (and the part count in a multipart
 * ETag), with no request: a stored size that no plaintext maps to is shown as it is.
 */
public final class EncryptedListingHandler implements S3OperationHandler {

    private final UpstreamClient upstream;
    private final PolicyHolder policy;
    private final ListingLookups lookups;

    /** Listings with the upstream's ETags (no plaintext ETag lookups). */
    public EncryptedListingHandler(UpstreamClient upstream, PolicyHolder policy) {
        this(upstream, policy, null, new EtagSettings(true, false));
    }

    public EncryptedListingHandler(
            UpstreamClient upstream, PolicyHolder policy, KeyRegistries keys, EtagSettings settings) {
        this.upstream = upstream;
        this.policy = policy;
        this.lookups = settings.listingLookups() && keys != null
                ? new ListingLookups(upstream, keys, ListingLookups.DEFAULT_CAPACITY)
                : null;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        var request = exchange.request();
        UpstreamRequest list = new UpstreamRequest(
                request.method(),
                request.bucket(),
                null,
                request.query(),
                ForwardedHeaders.toUpstream(request.headers(), false),
                -1);
        return upstream.exchange(list, Flux.empty(), (response, body) -> {
                    if (!response.isSuccess()) {
                        return UpstreamAnswers.relay(exchange, response, body);
                    }
                    // A listing is a small document; joined with a hard cap, never an object body.
                    return DataBufferUtils.join(body, ListingRewriter.MAX_LISTING_BYTES)
                            .flatMap(joined -> {
                                byte[] xml = new byte[joined.readableByteCount()];
                                joined.read(xml);
                                DataBufferUtils.release(joined);
                                return lookUp(exchange, xml).map(found -> rewrite(exchange, xml, found));
                            })
                            .flatMap(rewritten -> {
                                ServerHttpResponse client = exchange.exchange().getResponse();
                                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                                ForwardedHeaders.copyToClient(response.headers(), client.getHeaders());
                                client.getHeaders().setContentLength(rewritten.length);
                                DataBuffer out = client.bufferFactory().wrap(rewritten);
                                return client.writeWith(Mono.just(out));
                            });
                })
                .then();
    }

    /** The facts of the listed objects under client-side rules (ListObjects v1/v2 and ListObjectVersions). */
    private Mono<Map<ListingLookups.Entry, ListedFacts>> lookUp(ProxyExchange exchange, byte[] xml) {
        if (lookups == null
                || (exchange.operation() != S3Operation.LIST_OBJECTS
                        && exchange.operation() != S3Operation.LIST_OBJECT_VERSIONS)) {
            return Mono.just(Map.of());
        }
        String principal = exchange.auth().client().name();
        String bucket = exchange.request().bucket();
        List<ListingLookups.Entry> wanted = new ArrayList<>();
        try {
            ListingRewriter.rewrite(xml, entry -> {
                // multipart entries are sized exactly by arithmetic and keep their -N ETag: no lookup
                if (!entry.isPart()
                        && entry.etag() != null
                        && multipartCount(entry.etag()) == 0
                        && clientSideRule(policy.decide(principal, bucket, entry.key(), Operation.READ))) {
                    wanted.add(lookupEntry(bucket, entry));
                }
                return null;
            });
        } catch (IllegalArgumentException malformed) {
            throw new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream listing could not be read.", malformed);
        }
        return lookups.resolve(wanted);
    }

    private static ListingLookups.Entry lookupEntry(String bucket, ListedObject entry) {
        return new ListingLookups.Entry(bucket, entry.key(), entry.versionId(), unescape(entry.etag()));
    }

    private static boolean clientSideRule(PolicyDecision decision) {
        return envelopeRule(decision) || s3ecRule(decision);
    }

    private static boolean envelopeRule(PolicyDecision decision) {
        return (decision.mode() == Mode.CSE_LOCAL
                        || decision.mode() == Mode.CSE_KMS
                        || decision.sseCVariant() == dev.s3seal.policy.SseCVariant.EMULATED)
                && decision.options().format() == Format.S3SEAL;
    }

    private static boolean s3ecRule(PolicyDecision decision) {
        return (decision.mode() == Mode.CSE_LOCAL || decision.mode() == Mode.CSE_KMS)
                && decision.options().format() == Format.S3EC_V3;
    }

    /**
     * Without a lookup, under a {@code format: s3ec-v3} rule a single-part object is taken to be in the client's format, whose stored
     * size is the plaintext's plus the 16-byte GCM tag (a listing carries no metadata to tell formats apart; HEAD
     * and GET read the metadata and are always exact). A stored size below 16 cannot be one and stays as is. A
     * multipart object (ETag ending in {@code -N}) cannot be one either (s3ec-v3 refuses multipart uploads): it is
     * sized as s3seal's format, as under an s3seal-format rule.
     */
    static ListedObject s3ecPlaintextSize(ListedObject entry, int segmentSize) {
        if (multipartCount(entry.etag()) > 0) {
            return plaintextSize(entry, segmentSize);
        }
        long tag = dev.s3seal.crypto.s3ec.S3ecContentKey.ciphertextLength(0);
        return entry.size() < tag ? null : entry.withSizeAndEtag(entry.size() - tag, entry.etag());
    }

    private static String unescape(String xmlEtag) {
        return xmlEtag.replace("&quot;", "\"").replace("&#34;", "\"");
    }

    private byte[] rewrite(ProxyExchange exchange, byte[] xml, Map<ListingLookups.Entry, ListedFacts> found) {
        String principal = exchange.auth().client().name();
        String bucket = exchange.request().bucket();
        try {
            return ListingRewriter.rewrite(xml, entry -> {
                PolicyDecision decision = policy.decide(principal, bucket, entry.key(), Operation.READ);
                if (!clientSideRule(decision)) {
                    return null;
                }
                ListedFacts facts =
                        entry.etag() == null || entry.isPart() ? null : found.get(lookupEntry(bucket, entry));
                if (facts != null) {
                    return entry.withSizeAndEtag(facts.plaintextSize(), facts.plaintextEtag());
                }
                return s3ecRule(decision)
                        ? s3ecPlaintextSize(entry, decision.options().segmentSize())
                        : plaintextSize(entry, decision.options().segmentSize());
            });
        } catch (IllegalArgumentException malformed) {
            throw new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream listing could not be read.", malformed);
        }
    }

    /** The plaintext size of a listed object, or null when the stored size is not an s3seal size. */
    static ListedObject plaintextSize(ListedObject entry, int segmentSize) {
        try {
            int parts = multipartCount(entry.etag());
            long size = parts > 0
                    ? CiphertextSizes.multipartPlaintextLength(entry.size(), parts, segmentSize)
                    : CiphertextSizes.plaintextLength(entry.size(), segmentSize);
            return entry.withSizeAndEtag(size, entry.etag());
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    private static int multipartCount(String etag) {
        if (etag == null) {
            return 0;
        }
        String bare = etag.replace("\"", "").replace("&quot;", "");
        int dash = bare.lastIndexOf('-');
        if (dash < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(bare.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
