package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.policy.Mode;
import dev.s3seal.policy.file.PolicyHolder;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

class PolicyExplainAccessTest {

    private static final String EXPLAIN = "/policy/explain?principal=alice&bucket=b&key=k&operation=read";

    @Test
    void shouldAnswerLoopbackPeersOnly() {
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("127.0.0.1", 40000), false))
                .isTrue();
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("::1", 40000), false))
                .isTrue();
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("10.1.2.3", 40000), false))
                .isFalse();
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("fd00::2", 40000), false))
                .isFalse();
        assertThat(PolicyExplainEndpoint.mayAnswer(null, false))
                .as("unknown peer")
                .isFalse();
    }

    @Test
    void shouldAnswerAnyPeerWhenRemoteExplainIsAllowed() {
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("10.1.2.3", 40000), true))
                .isTrue();
    }

    @Test
    void shouldRefuseThePodNetworkOnTheRealRouteUnlessAllowed() {
        assertThat(status(false, "10.1.2.3")).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(status(false, "127.0.0.1")).isEqualTo(HttpStatus.OK);
        assertThat(status(true, "10.1.2.3")).isEqualTo(HttpStatus.OK);
    }

    private static HttpStatus status(boolean allowRemote, String peer) {
        RouterFunction<ServerResponse> route =
                new PolicyExplainEndpoint().policyExplainRoute(new PolicyHolder(null, Mode.PASSTHROUGH), allowRemote);
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get(EXPLAIN).remoteAddress(new InetSocketAddress(peer, 40000)));
        ServerRequest request =
                ServerRequest.create(exchange, ServerCodecConfigurer.create().getReaders());
        ServerResponse response =
                route.route(request).flatMap(handler -> handler.handle(request)).block();
        return HttpStatus.valueOf(response.statusCode().value());
    }
}
