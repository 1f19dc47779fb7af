package dev.s3seal.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.s3seal.crypto.CiphertextSizes;
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
 * written without s3seal) is shown as it is.
 */
public final class EncryptedListingHandler implements S3OperationHandler {

    private final UpstreamClient upstream;
    private final PolicyHolder policy;

    public EncryptedListingHandler(UpstreamClient upstream, PolicyHolder policy) {
        this.upstream = upstream;
        this.policy = policy;
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
                byte[] rewritten = rewrite(exchange, xml);
                ServerHttpResponse client = exchange.exchange().getResponse();
                client.setStatusCode(HttpStatusCode.valueOf(response.status()));
                ForwardedHeaders.copyToClient(response.headers(), client.getHeaders());
                client.getHeaders().setContentLength(rewritten.length);
                DataBuffer out = client.bufferFactory().wrap(rewritten);
                return client.writeWith(Mono.just(out));
            });
        }).then();
    }

    private byte[] rewrite(ProxyExchange exchange, byte[] xml) {
        String principal = exchange.auth().client().name();
        String bucket = exchange.request().bucket();
        try {
            return ListingRewriter.rewrite(xml, entry -> {
                PolicyDecision decision = policy.decide(principal, bucket, entry.key(), Operation.READ);
                boolean envelope = (decision.mode() == Mode.CSE_LOCAL || decision.mode() == Mode.CSE_KMS)
                        && decision.options().format() == Format.S3SEAL;
                return envelope ? plaintextSize(entry, decision.options().segmentSize()) : null;
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
