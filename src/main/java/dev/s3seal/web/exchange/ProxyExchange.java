package dev.s3seal.web.exchange;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import org.springframework.web.server.ServerWebExchange;

/**
 * One authenticated client request on its way through s3seal: what every handler receives,
 * including the policy decision taken once for the whole request.
 *
 * @param copySource         the object named by {@code x-amz-copy-source}, null for other requests
 * @param copySourceDecision the policy's decision for reading {@code copySource}, null without one
 */
public record ProxyExchange(
        ServerWebExchange exchange,
        String requestId,
        S3Request request,
        AuthResult auth,
        S3Operation operation,
        PolicyDecision decision,
        CopySource copySource,
        PolicyDecision copySourceDecision) {

    public ProxyExchange(
            ServerWebExchange exchange,
            String requestId,
            S3Request request,
            AuthResult auth,
            S3Operation operation,
            PolicyDecision decision) {
        this(exchange, requestId, request, auth, operation, decision, null, null);
    }
}
