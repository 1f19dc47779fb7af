package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.SigV4Verifier;
import dev.s3seal.config.ConfiguredCredentialStore;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.policy.file.PolicyParser;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.forward.ForwardHandler;
import dev.s3seal.web.ssec.InjectedSseCHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;

/**
 * The edge without a server: what reaches a handler is authenticated, recognised and decided by the policy; what
 * is not gets S3's error as XML and no handler runs.
 */
class S3GatewayTest {

    private static final String KEY = "AKIDGATEWAYTEST00001";
    private static final String SECRET = "gateway-test-secret-0123456789abcdef";

    private final AtomicReference<ProxyExchange> handled = new AtomicReference<>();
    private final S3OperationHandler recording = exchange -> {
        handled.set(exchange);
        return exchange.exchange().getResponse().setComplete();
    };

    private final S3Gateway gateway = new S3Gateway(
            new S3RequestParser(List.of()),
            new SigV4Verifier(
                    new ConfiguredCredentialStore(List.of(new ClientCredential("alice", KEY, SECRET, Set.of("*")))),
                    Clock.systemUTC(),
                    Duration.ofMinutes(15)),
            new PolicyHolder(PolicyParser.parse("""
                    rules:
                      - {name: closed, buckets: closed, mode: deny}
                      - {name: default, mode: passthrough}
                    """, "policy.yaml")),
            OperationRouter.builder()
                    .forward(recording)
                    .encryptedObjects(recording)
                    .encryptedListings(recording)
                    .serverSideEncryption(recording)
                    .encryptedMultipart(recording)
                    .encryptedCopy(recording)
                    .deleteObjects(recording)
                    .injectedSseC(new InjectedSseCHandler(new ForwardHandler(null), null))
                    .emulatedSseC(recording)
                    .anyClientSideRule(() -> false)
                    .build());

    private MockServerWebExchange signedPut(String pathAndQuery, byte[] body) {
        SignedRequests.Signed signed = SignedRequests.put(
                URI.create("http://localhost"),
                KEY,
                SECRET,
                pathAndQuery,
                body,
                SignedRequests.Payload.SIGNED,
                Clock.systemUTC(),
                Map.of());
        MockServerHttpRequest.BodyBuilder request =
                MockServerHttpRequest.method(HttpMethod.PUT, URI.create("http://localhost" + signed.pathAndQuery()));
        signed.headers().forEach(header -> request.header(header.getKey(), header.getValue()));
        return MockServerWebExchange.from(
                request.body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(signed.body()))));
    }

    private static String answer(MockServerWebExchange exchange) {
        return exchange.getResponse().getBodyAsString().blockOptional().orElse("");
    }

    @Test
    void shouldHandAnAuthenticatedAllowedRequestToItsHandlerWithTheDecisionAndTheCanonicalQuery() {
        MockServerWebExchange exchange =
                signedPut("/open/docs/a.txt?x-id=PutObject", "hello".getBytes(StandardCharsets.UTF_8));

        gateway.handle(exchange).block(Duration.ofSeconds(10));

        ProxyExchange routed = handled.get();
        assertThat(routed).isNotNull();
        assertThat(routed.operation()).isEqualTo(S3Operation.PUT_OBJECT);
        assertThat(routed.request().bucket()).isEqualTo("open");
        assertThat(routed.request().key()).isEqualTo("docs/a.txt");
        assertThat(routed.request().query().first("x-id"))
                .as("unknown parameters never go upstream")
                .isNull();
        assertThat(routed.decision().mode()).isEqualTo(Mode.PASSTHROUGH);
        assertThat(routed.auth().client().name()).isEqualTo("alice");
    }

    @Test
    void shouldRefuseADeniedRequestAsS3DoesWithoutAHandler() {
        MockServerWebExchange exchange = signedPut("/closed/a.txt", new byte[3]);

        gateway.handle(exchange).block(Duration.ofSeconds(10));

        assertThat(handled.get()).isNull();
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(answer(exchange)).contains("<Code>AccessDenied</Code>");
    }

    @Test
    void shouldRefuseAnUnsignedRequestWithoutAHandler() {
        MockServerWebExchange exchange =
                MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/open/a.txt"));

        gateway.handle(exchange).block(Duration.ofSeconds(10));

        assertThat(handled.get()).isNull();
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(answer(exchange)).contains("<Error>").doesNotContain("Exception");
    }

    @Test
    void shouldRefuseABadSignatureWithoutAHandler() {
        MockServerWebExchange good = signedPut("/open/a.txt", new byte[3]);
        MockServerHttpRequest.BodyBuilder tampered =
                MockServerHttpRequest.method(HttpMethod.PUT, URI.create("http://localhost/open/b.txt"));
        good.getRequest().getHeaders().forEach((name, values) -> tampered.header(name, values.toArray(String[]::new)));
        MockServerWebExchange exchange = MockServerWebExchange.from(
                tampered.body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[3]))));

        gateway.handle(exchange).block(Duration.ofSeconds(10));

        assertThat(handled.get()).isNull();
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(answer(exchange)).contains("<Code>SignatureDoesNotMatch</Code>");
    }
}
