package dev.s3seal.ops;

import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.SignalType;

/**
 * The S3 edge's single hook for metrics, audit and health: one {@link Observation} per request,
 * told what the gateway learns as it learns it. Implementations never throw and never block.
 */
public interface RequestObserver {

    /** Observes nothing (tests and tools that build a gateway by hand). */
    RequestObserver NONE = (exchange, requestId) -> new Observation() {
        @Override
        public ServerWebExchange exchange() {
            return exchange;
        }
    };

    /** Called first, with the id the client will see in {@code x-amz-request-id}. */
    Observation start(ServerWebExchange exchange, String requestId);

    /** One request. The gateway uses {@link #exchange()} (it may count body bytes) from then on. */
    interface Observation {

        ServerWebExchange exchange();

        /** The caller is authenticated and the policy decided (also for a {@code deny}). */
        default void decided(String principal, S3Request request, S3Operation operation, PolicyDecision decision) {}

        /** Refused before routing: parse, signature, permission or policy failure. */
        default void refused(Throwable error) {}

        /** Failed after routing (upstream, key service, body verification, ...). */
        default void failed(Throwable error) {}

        /** The response is complete, aborted or cancelled by the client. */
        default void finish(SignalType signal) {}
    }
}
