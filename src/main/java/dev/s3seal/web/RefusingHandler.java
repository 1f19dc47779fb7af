package dev.s3seal.web;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import reactor.core.publisher.Mono;

/**
 * Operations s3seal cannot yet perform under a rule's mode. They are refused with a clear S3
 * error rather than forwarded, because forwarding would store plaintext where the policy demands
 * encryption (or hand out ciphertext as if it were the object).
 */
public final class RefusingHandler implements S3OperationHandler {

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        return Mono.error(new S3Exception(
                S3ErrorCode.NOT_IMPLEMENTED,
                "s3seal does not support this request (" + exchange.operation() + ") under policy mode "
                        + exchange.decision().mode().yamlName() + "."));
    }
}
