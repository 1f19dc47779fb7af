package dev.s3seal.web.exchange;

import reactor.core.publisher.Mono;

/** Serves one family of S3 operations for an authenticated request. */
public interface S3OperationHandler {

    Mono<Void> handle(ProxyExchange exchange);
}
