package dev.s3seal.ops;

import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.PolicyExplanation;
import dev.s3seal.policy.RuleOptions;
import dev.s3seal.policy.file.PolicyHolder;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /policy/explain?principal=&bucket=&key=&operation=} on the management port: which rule
 * applies to a request and why the rules before it did not. {@code operation} is required (read,
 * write, delete, list, other); without {@code principal} the request is anonymous, without
 * {@code bucket} service-level, without {@code key} bucket-level (for {@code list}, {@code key} is
 * the listing prefix). Registered in the management child context only, so the S3 port never
 * serves it; with {@code management.server.port} equal to the S3 port it is not served at all.
 *
 * <p>The explanation shows the whole rule set (principals, buckets, prefixes, key names), so it
 * answers only peers on loopback even when the management port listens on the pod address for
 * the kubelet's probes; {@code s3seal.ops.policy-explain-allow-remote=true} lifts that.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class PolicyExplainEndpoint {

    @Bean
    RouterFunction<ServerResponse> policyExplainRoute(
            PolicyHolder policyHolder, @Value("${s3seal.ops.policy-explain-allow-remote:false}") boolean allowRemote) {
        return RouterFunctions.route(RequestPredicates.GET("/policy/explain"), request -> {
            if (!mayAnswer(request.remoteAddress().orElse(null), allowRemote)) {
                return ServerResponse.status(HttpStatus.FORBIDDEN)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of(
                                "error",
                                "/policy/explain answers only on loopback"
                                        + " (s3seal.ops.policy-explain-allow-remote=true allows other peers)"));
            }
            return explain(policyHolder, request);
        });
    }

    /** Loopback peers always; others only when configured. An unknown peer is not loopback. */
    static boolean mayAnswer(InetSocketAddress peer, boolean allowRemote) {
        if (allowRemote) {
            return true;
        }
        return peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
    }

    private static Mono<ServerResponse> explain(PolicyHolder holder, ServerRequest request) {
        Optional<String> operationName = parameter(request, "operation");
        if (operationName.isEmpty()) {
            return badRequest("missing parameter 'operation' (read, write, delete, list or other)");
        }
        Optional<Operation> operation = Operation.fromYaml(operationName.get());
        if (operation.isEmpty()) {
            return badRequest(
                    "unknown operation '" + operationName.get() + "'; expected read, write, delete, list or other");
        }
        PolicyExplanation explanation = holder.explain(
                parameter(request, "principal").orElse(null),
                parameter(request, "bucket").orElse(null),
                parameter(request, "key").orElse(null),
                operation.get());
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(render(explanation, holder));
    }

    static Map<String, Object> render(PolicyExplanation explanation, PolicyHolder holder) {
        PolicyDecision decision = explanation.decision();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rule", decision.rule().name());
        body.put("line", decision.rule().line());
        body.put("mode", decision.mode().yamlName());
        body.put(
                "variant",
                decision.sseCVariant() == null ? null : decision.sseCVariant().yamlName());
        body.put("key", decision.rule().keyName());
        body.put("options", options(decision.options()));
        body.put("reason", decision.reason());
        body.put(
                "skipped",
                explanation.skipped().stream()
                        .map(s -> Map.of("rule", s.rule(), "line", s.line(), "why", s.why()))
                        .toList());
        body.put("policy", holder.policy().source());
        return body;
    }

    private static Map<String, Object> options(RuleOptions options) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("format", options.format().yamlName());
        map.put("segmentSize", options.segmentSize());
        map.put("allowUnencryptedReads", options.allowUnencryptedReads());
        map.put("allowClientSseHeaders", options.allowClientSseHeaders());
        map.put("allowUnauthenticatedS3ecRanges", options.allowUnauthenticatedS3ecRanges());
        return map;
    }

    private static Optional<String> parameter(ServerRequest request, String name) {
        return request.queryParam(name).filter(value -> !value.isEmpty());
    }

    private static Mono<ServerResponse> badRequest(String message) {
        return ServerResponse.badRequest()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("error", message));
    }
}
