package dev.s3seal.web.object;

import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.limits.BodyBudget;
import dev.s3seal.policy.Format;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.web.envelope.EtagSettings;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import reactor.core.publisher.Mono;

/**
 * PutObject, GetObject and HeadObject under the client-side modes (cse-local, cse-kms). A PUT writes the
 * rule's format; a read recognises either format from the object's metadata.
 */
public final class EncryptedObjectHandler implements S3OperationHandler {

    private final KeyRegistries keys;
    private final EncryptingUpload upload;
    private final DecryptingDownload download;
    private final S3ecUpload s3ecUpload;

    public EncryptedObjectHandler(UpstreamClient upstream, KeyRegistries keys) {
        this(upstream, keys, EtagSettings.DEFAULTS);
    }

    public EncryptedObjectHandler(UpstreamClient upstream, KeyRegistries keys, EtagSettings etags) {
        this(upstream, keys, etags, BodyBudget.NONE);
    }

    /** {@code heldBodies}: the budget for PutObject bodies held whole to store them in one upstream request. */
    public EncryptedObjectHandler(
            UpstreamClient upstream, KeyRegistries keys, EtagSettings etags, BodyBudget heldBodies) {
        this.keys = keys;
        this.upload = new EncryptingUpload(upstream, etags, heldBodies);
        this.download = new DecryptingDownload(upstream);
        this.s3ecUpload = new S3ecUpload(upstream);
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        return keys.current().flatMap(registry -> handle(exchange, registry));
    }

    /** PutObject, GetObject or HeadObject with data keys from {@code objectKeys}. */
    public Mono<Void> handle(ProxyExchange exchange, ObjectKeys objectKeys) {
        return switch (exchange.operation()) {
            case PUT_OBJECT ->
                exchange.decision().options().format() == Format.S3EC_V3 && objectKeys instanceof KeyRegistry registry
                        ? s3ecUpload.put(exchange, exchange.decision(), registry)
                        : upload.put(exchange, exchange.decision(), objectKeys);
            case GET_OBJECT -> download.get(exchange, exchange.decision(), objectKeys);
            case HEAD_OBJECT -> download.head(exchange, exchange.decision(), objectKeys);
            default -> Mono.error(new S3Exception(S3ErrorCode.INTERNAL_ERROR));
        };
    }
}
