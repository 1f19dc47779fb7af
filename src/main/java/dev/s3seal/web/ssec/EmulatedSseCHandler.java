package dev.s3seal.web.ssec;

import dev.s3seal.keys.customer.CustomerKeyProvider;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.multipart.EncryptedMultipartHandler;
import dev.s3seal.web.object.EncryptedObjectHandler;
import java.util.Arrays;
import reactor.core.publisher.Mono;

/**
 * {@code sse-c} emulated, for upstreams without SSE-C: the client sends SSE-C headers as to S3,
 * and s3seal encrypts with its own format under a data key wrapped by that customer key
 * ({@link CustomerKeyProvider}). The customer key never goes upstream; responses echo the
 * algorithm and the key's MD5 as S3 does. Object and multipart requests reuse the client-side
 * handlers with {@link EmulatedSseCKeys} as their key source.
 */
public final class EmulatedSseCHandler implements S3OperationHandler {

    private final KeyRegistries keys;
    private final EncryptedObjectHandler objects;
    private final EncryptedMultipartHandler multipart;

    public EmulatedSseCHandler(
            KeyRegistries keys, EncryptedObjectHandler objects, EncryptedMultipartHandler multipart) {
        this.keys = keys;
        this.objects = objects;
        this.multipart = multipart;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        return Mono.defer(() -> handleWithKey(exchange));
    }

    private Mono<Void> handleWithKey(ProxyExchange exchange) {
        S3Operation operation = exchange.operation();
        ProxyExchange stripped = new ProxyExchange(
                exchange.exchange(),
                exchange.requestId(),
                CustomerKeyHeaders.without(exchange.request()),
                exchange.auth(),
                operation,
                exchange.decision());
        if (operation == S3Operation.ABORT_MULTIPART_UPLOAD) {
            return multipart.handle(stripped);
        }
        byte[] key = CustomerKeyHeaders.read(exchange.request());
        if (key == null && (operation == S3Operation.PUT_OBJECT || operation == S3Operation.CREATE_MULTIPART_UPLOAD)) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, EmulatedSseCKeys.KEY_FOR_WRITES);
        }
        if (key == null
                && (operation == S3Operation.UPLOAD_PART || operation == S3Operation.COMPLETE_MULTIPART_UPLOAD)) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, EmulatedSseCKeys.KEY_FOR_UPLOADS);
        }
        CustomerKeyProvider customerKey = null;
        if (key != null) {
            EmulatedSseCKeys.echoOnSuccess(exchange.exchange().getResponse(), CustomerKeyHeaders.md5Of(key));
            customerKey = new CustomerKeyProvider(key);
            Arrays.fill(key, (byte) 0);
        }
        CustomerKeyProvider owned = customerKey;
        return keys.current()
                .flatMap(registry -> {
                    EmulatedSseCKeys objectKeys = new EmulatedSseCKeys(owned, registry);
                    return switch (operation) {
                        case PUT_OBJECT, GET_OBJECT, HEAD_OBJECT -> objects.handle(stripped, objectKeys);
                        default -> multipart.handle(stripped, objectKeys);
                    };
                })
                .doFinally(signal -> {
                    if (owned != null) {
                        owned.close();
                    }
                });
    }
}
