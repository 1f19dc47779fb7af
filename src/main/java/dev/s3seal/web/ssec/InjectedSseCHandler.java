package dev.s3seal.web.ssec;

import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.customer.InjectedCustomerKey;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.keys.registry.KeyRegistry;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.SseCVariant;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.forward.ClientSseHeaders;
import dev.s3seal.web.forward.ForwardHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * {@code sse-c} inject: the upstream encrypts with SSE-C under a customer key that s3seal holds,
 * so clients send no SSE-C headers of their own. s3seal adds the key to every request S3 needs it
 * on (and the copy-source key when a copy's source is under an injected key too), and removes the
 * SSE-C echo headers from responses: to its clients these are ordinary objects, and the key's MD5
 * (a fingerprint of it) has no business outside s3seal.
 */
public final class InjectedSseCHandler implements S3OperationHandler {

    private final ForwardHandler forward;
    private final KeyRegistries keys;

    public InjectedSseCHandler(ForwardHandler forward, KeyRegistries keys) {
        this.forward = forward;
        this.keys = keys;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        // a client's own choice got here only when the rule allows it (ClientSseHeaders)
        // (a copy source's SSE-C headers are the source's business, judged by its rule)
        boolean clientChoice = exchange.request().headers().keySet().stream()
                .anyMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith(ClientSseHeaders.SSE));
        if (clientChoice || !needsKey(exchange.operation())) {
            // allowed to choose: the client's own encryption headers go upstream as they are
            return forward.handle(exchange);
        }
        stripEchoes(exchange.exchange().getResponse());
        return keys.current()
                .flatMap(registry -> Mono.defer(() -> forward.handle(exchange, headers(exchange, registry))));
    }

    /** The operations S3 needs the customer key on (read or write the object's data). */
    private static boolean needsKey(S3Operation operation) {
        return switch (operation) {
            case PUT_OBJECT,
                    GET_OBJECT,
                    HEAD_OBJECT,
                    CREATE_MULTIPART_UPLOAD,
                    UPLOAD_PART,
                    COMPLETE_MULTIPART_UPLOAD,
                    COPY_OBJECT,
                    UPLOAD_PART_COPY,
                    SELECT_OBJECT_CONTENT -> true;
            default -> false;
        };
    }

    private Map<String, List<String>> headers(ProxyExchange exchange, KeyRegistry registry) {
        Map<String, List<String>> headers =
                new LinkedHashMap<>(exchange.request().headers());
        put(headers, CustomerKeyHeaders.PREFIX, keyOf(exchange.decision(), registry));
        // the source's decision, taken once by the gateway when it authorized the copy source
        if (injectedSource(exchange.copySourceDecision())) {
            put(headers, CustomerKeyHeaders.COPY_SOURCE_PREFIX, keyOf(exchange.copySourceDecision(), registry));
        }
        return headers;
    }

    /** True when a copy's source is under an injected customer key (the upstream needs it to read the source). */
    public static boolean injectedSource(PolicyDecision copySource) {
        return copySource != null && copySource.mode() == Mode.SSE_C && copySource.sseCVariant() == SseCVariant.INJECT;
    }

    /**
     * A copy whose source is under an injected customer key and whose destination is not (passthrough, SSE-S3,
     * SSE-KMS, sse-c pass-through): {@code destination}'s own handler, given the exchange with the source's key
     * as the copy-source SSE-C headers, which the client cannot send since it never knows the key.
     */
    public S3OperationHandler readingInjectedSource(S3OperationHandler destination) {
        return exchange -> keys.current()
                .flatMap(registry -> Mono.defer(() -> {
                    Map<String, List<String>> headers =
                            new LinkedHashMap<>(exchange.request().headers());
                    put(headers, CustomerKeyHeaders.COPY_SOURCE_PREFIX, keyOf(exchange.copySourceDecision(), registry));
                    var request = exchange.request();
                    var withKey = new dev.s3seal.s3.S3Request(
                            request.method(),
                            request.rawPath(),
                            request.rawQuery(),
                            request.bucket(),
                            request.key(),
                            request.query(),
                            headers);
                    return destination.handle(new ProxyExchange(
                            exchange.exchange(),
                            exchange.requestId(),
                            withKey,
                            exchange.auth(),
                            exchange.operation(),
                            exchange.decision(),
                            exchange.copySource(),
                            exchange.copySourceDecision()));
                }));
    }

    private static InjectedCustomerKey keyOf(PolicyDecision decision, KeyRegistry registry) {
        KeyDefinition definition = decision.key()
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The policy rule has no key."));
        try {
            return registry.customerKey(definition.name());
        } catch (KeyProviderException reloading) {
            throw (S3Exception) KeyFailures.toS3(reloading); // SlowDown: the client retries
        }
    }

    private static void put(Map<String, List<String>> headers, String prefix, InjectedCustomerKey key) {
        headers.put(prefix + "algorithm", List.of(CustomerKeyHeaders.AES256));
        headers.put(prefix + "key", List.of(key.base64Key()));
        headers.put(prefix + "key-md5", List.of(key.base64Md5()));
    }

    private static void stripEchoes(ServerHttpResponse response) {
        response.beforeCommit(() -> Mono.fromRunnable(() -> {
            response.getHeaders().remove(CustomerKeyHeaders.ALGORITHM);
            response.getHeaders().remove(CustomerKeyHeaders.KEY_MD5);
        }));
    }
}
