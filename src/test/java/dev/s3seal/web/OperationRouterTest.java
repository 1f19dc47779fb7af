package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.PolicyEngine;
import dev.s3seal.policy.file.PolicyParser;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.s3.operations.OperationTable;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.forward.ForwardHandler;
import dev.s3seal.web.ssec.InjectedSseCHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Which handler serves which request, per mode (the table in docs/architecture.md), without a server. */
class OperationRouterTest {

    private static final PolicyEngine POLICY = new PolicyEngine(PolicyParser.parse("""
            keys:
              master:
                type: local
                versions: [{version: 1, env: M1}]
              kms: {type: kms, key-id: alias/k}
              injected: {type: customer, env: C1}
            rules:
              - {name: denied, buckets: denied, mode: deny}
              - {name: plain, buckets: plain, mode: passthrough}
              - {name: kms, buckets: kms, mode: sse-kms, key: kms}
              - {name: inject, buckets: inject, mode: sse-c, variant: inject, key: injected}
              - {name: emulated, buckets: emulated, mode: sse-c, variant: emulated}
              - name: s3ec
                buckets: s3ec
                mode: cse-local
                key: master
                options: {format: s3ec-v3}
              - {name: default, mode: cse-local, key: master}
            """, "policy.yaml"));

    private static final ForwardHandler FORWARD = new ForwardHandler(null); // never called: identity only
    private static final S3OperationHandler OBJECTS = named();
    private static final S3OperationHandler LISTINGS = named();
    private static final S3OperationHandler SERVER_SIDE = named();
    private static final S3OperationHandler MULTIPART = named();
    private static final S3OperationHandler COPY = named();
    private static final S3OperationHandler DELETE_OBJECTS = named();
    private static final S3OperationHandler EMULATED = named();
    private static final InjectedSseCHandler INJECTED = new InjectedSseCHandler(FORWARD, null);

    private final OperationRouter router = router(false);

    private static S3OperationHandler named() {
        return exchange -> Mono.empty();
    }

    private static OperationRouter router(boolean anyClientSideRule) {
        return OperationRouter.builder()
                .forward(FORWARD)
                .encryptedObjects(OBJECTS)
                .encryptedListings(LISTINGS)
                .serverSideEncryption(SERVER_SIDE)
                .encryptedMultipart(MULTIPART)
                .encryptedCopy(COPY)
                .deleteObjects(DELETE_OBJECTS)
                .injectedSseC(INJECTED)
                .emulatedSseC(EMULATED)
                .anyClientSideRule(() -> anyClientSideRule)
                .build();
    }

    private static ProxyExchange exchange(String method, String path, String query, String copySource) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (copySource != null) {
            headers.put("x-amz-copy-source", List.of(copySource));
        }
        S3Request parsed = new S3RequestParser(List.of()).parse(method, path, query, headers);
        OperationTable.Recognised recognised = OperationTable.recognise(parsed);
        S3Request request = parsed.withQuery(recognised.query());
        PolicyDecision decision = POLICY.decide(
                "alice",
                request.bucket(),
                request.hasKey() ? request.key() : "",
                recognised.operation().policyOperation());
        CopySource source = copySource == null ? null : CopySource.parse(copySource);
        PolicyDecision sourceDecision = source == null
                ? null
                : POLICY.decide("alice", source.bucket(), source.key(), dev.s3seal.policy.Operation.READ);
        return new ProxyExchange(
                null, "test", request, null, recognised.operation().family(), decision, source, sourceDecision);
    }

    private S3OperationHandler route(String method, String path, String query) {
        return router.handlerFor(exchange(method, path, query, null));
    }

    @Test
    void clientSideModesServeObjectsListingsAndUploadsThemselves() {
        assertThat(route("GET", "/data/a", null)).isSameAs(OBJECTS);
        assertThat(route("PUT", "/data/a", null)).isSameAs(OBJECTS);
        assertThat(route("HEAD", "/data/a", null)).isSameAs(OBJECTS);
        assertThat(route("GET", "/data", "list-type=2")).isSameAs(LISTINGS);
        assertThat(route("POST", "/data/a", "uploads")).isSameAs(MULTIPART);
        assertThat(route("PUT", "/data/a", "partNumber=1&uploadId=u")).isSameAs(MULTIPART);
        assertThat(route("POST", "/data", "delete")).isSameAs(DELETE_OBJECTS);
    }

    @Test
    void metadataOnlySubResourcesOfEncryptedObjectsAreForwarded() {
        assertThat(route("GET", "/data/a", "tagging")).isSameAs(FORWARD);
        assertThat(route("GET", "/data", "versioning")).isSameAs(FORWARD);
    }

    @Test
    void passthroughForwardsUnlessAnotherRuleMakesListingsS3sealsBusiness() {
        assertThat(route("PUT", "/plain/a", null)).isSameAs(FORWARD);
        assertThat(route("GET", "/plain", "list-type=2")).isSameAs(FORWARD);
        assertThat(router(true).handlerFor(exchange("GET", "/plain", "list-type=2", null)))
                .isSameAs(LISTINGS);
    }

    @Test
    void serverSideModesAddTheirHeadersOnWritesOnly() {
        assertThat(route("PUT", "/kms/a", null)).isSameAs(SERVER_SIDE);
        assertThat(route("POST", "/kms/a", "uploads")).isSameAs(SERVER_SIDE);
        assertThat(route("GET", "/kms/a", null)).isSameAs(FORWARD);
    }

    @Test
    void sseCVariantsHaveTheirOwnHandlers() {
        assertThat(route("PUT", "/inject/a", null)).isSameAs(INJECTED);
        assertThat(route("PUT", "/emulated/a", null)).isSameAs(EMULATED);
        assertThat(route("POST", "/emulated/a", "uploads")).isSameAs(EMULATED);
    }

    @Test
    void copiesWithASideS3sealEncryptsAreS3sealsOwn() {
        assertThat(router.handlerFor(exchange("PUT", "/data/b", null, "/plain/a")))
                .isSameAs(COPY);
        assertThat(router.handlerFor(exchange("PUT", "/plain/b", null, "/data/a")))
                .isSameAs(COPY);
        assertThat(router.handlerFor(exchange("PUT", "/plain/b", null, "/plain/a")))
                .isSameAs(FORWARD);
        assertThat(router.handlerFor(exchange("PUT", "/data/b", null, "/inject/a")))
                .isInstanceOf(RefusingHandler.class);
    }

    @Test
    void deniedAndUnsupportedRequestsAreRefused() {
        assertThat(route("GET", "/denied/a", null)).isInstanceOf(RefusingHandler.class);
        assertThat(route("POST", "/data/a", "select&select-type=2")).isInstanceOf(RefusingHandler.class);
        StepVerifier.create(route("POST", "/s3ec/a", "uploads").handle(exchange("POST", "/s3ec/a", "uploads", null)))
                .expectErrorSatisfies(error ->
                        assertThat(error).isInstanceOf(S3Exception.class).hasMessageContaining("format s3ec-v3"))
                .verify();
    }
}
