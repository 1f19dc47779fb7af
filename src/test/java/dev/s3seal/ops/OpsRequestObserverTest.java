package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.ops.audit.AuditLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/** The outcome a request is counted with when its client goes away. */
class OpsRequestObserverTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OpsRequestObserver observer = new OpsRequestObserver(
            registry, new AuditLog(), new KmsHealth(null, 3, Clock.systemUTC()), Clock.systemUTC());

    @Test
    void shouldCountTheStatusWhenClientLeavesAfterTheWholeResponse() {
        RequestObserver.Observation observation = observer.start(exchange("GET"), "r1");
        respond(observation.exchange(), HttpStatus.OK, "hello", 5);

        observation.finish(SignalType.CANCEL);

        assertThat(outcomes()).isEqualTo("success");
    }

    @Test
    void shouldCountCancelledWhenClientLeavesBeforeTheWholeBody() {
        RequestObserver.Observation observation = observer.start(exchange("GET"), "r2");
        respond(observation.exchange(), HttpStatus.OK, "hel", 5);

        observation.finish(SignalType.CANCEL);

        assertThat(outcomes()).isEqualTo("cancelled");
    }

    @Test
    void shouldCountCancelledWhenNothingWasCommitted() {
        RequestObserver.Observation observation = observer.start(exchange("PUT"), "r3");

        observation.finish(SignalType.CANCEL);

        assertThat(outcomes()).isEqualTo("cancelled");
    }

    @Test
    void shouldCountTheStatusWhenClientLeavesAfterHeadResponse() {
        RequestObserver.Observation observation = observer.start(exchange("HEAD"), "r4");
        ServerWebExchange exchange = observation.exchange();
        exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
        exchange.getResponse().getHeaders().setContentLength(1_000);
        exchange.getResponse().setComplete().block();

        observation.finish(SignalType.CANCEL);

        assertThat(outcomes()).isEqualTo("client_error");
    }

    private static MockServerWebExchange exchange(String method) {
        return MockServerWebExchange.from(
                MockServerHttpRequest.method(org.springframework.http.HttpMethod.valueOf(method), "/bucket/key"));
    }

    private static void respond(ServerWebExchange exchange, HttpStatus status, String body, long contentLength) {
        exchange.getResponse().setStatusCode(status);
        exchange.getResponse().getHeaders().setContentLength(contentLength);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        exchange.getResponse()
                .writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(bytes)))
                .block();
    }

    private String outcomes() {
        return registry.get("s3seal.requests").timer().getId().getTag("outcome");
    }
}
