package dev.s3seal.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.keys.KeyRegistries;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.policy.Format;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.PolicyHolder;
import dev.s3seal.s3.ListedObject;
import dev.s3seal.s3.ListingRewriter;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;

/**
 * ListObjects (v1, v2) and ListObjectVersions where client-side rules apply: sizes become
 * plaintext sizes, computed from the stored size (and the part count in a multipart ETag) with
 * no extra request per object. Each entry is decided by its own key, so a passthrough prefix
 * inside an encrypted bucket keeps its sizes. A stored size that no plaintext maps to (an object
 * written without s3seal) is shown as it is. Under a {@code format: s3ec-v3} rule sizes are the stored
 * size minus the client format's 16-byte tag, and ETags stay the upstream's.
 */
public final class EncryptedListingHandler implements S3OperationHandler {

    private final UpstreamClient upstream;
    private final PolicyHolder policy;
    private final ListingEtags etags;

    /** Listings with the upstream's ETags (no plaintext ETag lookups). */
    public EncryptedListingHandler(UpstreamClient upstream, PolicyHolder policy) {
        this(upstream, policy, null, new EtagSettings(true, false));
    }

    public EncryptedListingHandler(UpstreamClient upstream, PolicyHolder policy, KeyRegistries keys,
            EtagSettings settings) {
        this.upstream = upstream;
        this.policy = policy;
        this.etags = settings.listingLookups() && keys != null
                ? new ListingEtags(upstream, keys, ListingEtags.DEFAULT_CAPACITY) : null;
    }

    /** The plaintext ETag lookups (null when disabled), for tests and benchmarks. */
    ListingEtags etags() {
        return etags;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        var request = exchange.request();
        UpstreamRequest list = new UpstreamRequest(request.method(), request.bucket(), null,
                ForwardHandler.withoutPresignParameters(request.query()),
                ForwardedHeaders.toUpstream(request.headers(), false), -1);
        return upstream.exchange(list, Flux.empty(), (response, body) -> {
            if (!response.isSuccess()) {
                return ForwardHandler.writeResponse(exchange, response, body);
            }
            // A listing is a small document; joined with a hard cap, never an object body.
            return DataBufferUtils.join(body, ListingRewriter.MAX_LISTING_BYTES).flatMap(joined -> {
                byte[] xml = new byte[joined.readableByteCount()];
                joined.read(xml);
                DataBufferUtils.release(joined);
                return plaintextEtags(exchange, xml).map(found -> rewrite(exchange, xml, found));
            }).flatMap(rewritten -> {
                ServerHttpResponse client = exchange.exchange().getResponse();
                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                ForwardedHeaders.copyToClient(response.headers(), client.getHeaders());
                client.getHeaders().setContentLength(rewritten.length);
                DataBuffer out = client.bufferFactory().wrap(rewritten);
                return client.writeWith(Mono.just(out));
            });
        }).then();
    }

    /**
     * Plaintext ETags of the listed single-part objects under envelope rules (ListObjects v1/v2 and
     * ListObjectVersions).
     */
    private Mono<Map<ListingEtags.Entry, String>> plaintextEtags(ProxyExchange exchange, byte[] xml) {
        if (etags == null || (exchange.operation() != S3Operation.LIST_OBJECTS
                && exchange.operation() != S3Operation.LIST_OBJECT_VERSIONS)) {
            return Mono.just(Map.of());
        }
        String principal = exchange.auth().client().name();
        String bucket = exchange.request().bucket();
        List<ListingEtags.Entry> wanted = new ArrayList<>();
        try {
            ListingRewriter.rewrite(xml, entry -> {
                if (entry.isPart() || entry.etag() == null || multipartCount(entry.etag()) > 0) {
                    return null;
                }
                PolicyDecision decision = policy.decide(principal, bucket, entry.key(), Operation.READ);
                // sse-c emulated: the data key needs the client's key, so listings show the stored
                // ETag, as S3 does for SSE-C objects (it is not their MD5 there either)
                if (envelopeRule(decision) && decision.mode() != Mode.SSE_C) {
                    wanted.add(new ListingEtags.Entry(bucket, entry.key(), entry.versionId(), unescape(entry.etag())));
                }
                return null;
            });
        } catch (IllegalArgumentException malformed) {
            throw new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream listing could not be read.", malformed);
        }
        return etags.resolve(wanted);
    }

    private static boolean envelopeRule(PolicyDecision decision) {
        return (decision.mode() == Mode.CSE_LOCAL || decision.mode() == Mode.CSE_KMS
                || decision.sseCVariant() == dev.s3seal.policy.SseCVariant.EMULATED)
                && decision.options().format() == Format.S3SEAL;
    }

    private static boolean s3ecRule(PolicyDecision decision) {
        return (decision.mode() == Mode.CSE_LOCAL || decision.mode() == Mode.CSE_KMS)
                && decision.options().format() == Format.S3EC_V3;
    }

    /**
     * Under a {@code format: s3ec-v3} rule a single-part object is taken to be in the client's format, whose stored
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

    private byte[] rewrite(ProxyExchange exchange, byte[] xml, Map<ListingEtags.Entry, String> plaintextEtags) {
        String principal = exchange.auth().client().name();
        String bucket = exchange.request().bucket();
        try {
            return ListingRewriter.rewrite(xml, entry -> {
                PolicyDecision decision = policy.decide(principal, bucket, entry.key(), Operation.READ);
                if (s3ecRule(decision)) {
                    return s3ecPlaintextSize(entry, decision.options().segmentSize());
                }
                if (!envelopeRule(decision)) {
                    return null;
                }
                ListedObject sized = plaintextSize(entry, decision.options().segmentSize());
                String etag = entry.etag() == null ? null
                        : plaintextEtags.get(new ListingEtags.Entry(bucket, entry.key(), entry.versionId(), unescape(entry.etag())));
                if (etag == null) {
                    return sized;
                }
                ListedObject shown = sized != null ? sized : entry;
                return shown.withSizeAndEtag(shown.size(), etag);
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
