package dev.s3seal.web;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.auth.SigV4Verifier;
import dev.s3seal.auth.SignedRequest;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.limits.ClientConcurrencyLimit;
import dev.s3seal.limits.RequestLimits;
import dev.s3seal.ops.RequestObserver;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.s3.operations.OperationTable;
import dev.s3seal.s3.operations.S3ApiOperation;
import dev.s3seal.s3.operations.UpfrontRefusals;
import dev.s3seal.web.exchange.ErrorResponder;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.RequestIds;
import dev.s3seal.web.exchange.UnreadBody;
import dev.s3seal.web.form.PostObjectForms;
import dev.s3seal.web.forward.ClientSseHeaders;
import dev.s3seal.web.ssec.SseCTransportGuard;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The S3 edge: every request on the S3 port comes here. It resolves what the request addresses,
 * verifies the caller's signature and bucket permission, and hands the request to the handler
 * of its operation family. It does no S3 work itself.
 */
public final class S3Gateway implements WebHandler {

    /** S3 refuses header sections over 8 KiB; Netty is configured to accept more so we can say so in XML. */
    static final int MAX_HEADER_SECTION_BYTES = 8 * 1024;

    private final S3RequestParser parser;
    private final SigV4Verifier verifier;
    private final PolicyHolder policy;
    private final OperationRouter router;
    private final ErrorResponder errors = new ErrorResponder();
    private final RequestObserver observer;
    private final SseCTransportGuard sseCGuard;
    private final RequestLimits limits;
    private final PostObjectForms postForms;

    public S3Gateway(S3RequestParser parser, SigV4Verifier verifier, PolicyHolder policy, OperationRouter router) {
        this(parser, verifier, policy, router, RequestObserver.NONE);
    }

    public S3Gateway(
            S3RequestParser parser,
            SigV4Verifier verifier,
            PolicyHolder policy,
            OperationRouter router,
            RequestObserver observer) {
        this(parser, verifier, policy, router, observer, SseCTransportGuard.OFF);
    }

    public S3Gateway(
            S3RequestParser parser,
            SigV4Verifier verifier,
            PolicyHolder policy,
            OperationRouter router,
            RequestObserver observer,
            SseCTransportGuard sseCGuard) {
        this(parser, verifier, policy, router, observer, sseCGuard, RequestLimits.NONE);
    }

    public S3Gateway(
            S3RequestParser parser,
            SigV4Verifier verifier,
            PolicyHolder policy,
            OperationRouter router,
            RequestObserver observer,
            SseCTransportGuard sseCGuard,
            RequestLimits limits) {
        this(parser, verifier, policy, router, observer, sseCGuard, limits, null);
    }

    /** {@code postForms}: browser form uploads (PostObject); null refuses them as anonymous requests. */
    public S3Gateway(
            S3RequestParser parser,
            SigV4Verifier verifier,
            PolicyHolder policy,
            OperationRouter router,
            RequestObserver observer,
            SseCTransportGuard sseCGuard,
            RequestLimits limits,
            PostObjectForms postForms) {
        this.postForms = postForms;
        this.limits = limits;
        this.sseCGuard = sseCGuard;
        this.parser = parser;
        this.verifier = verifier;
        this.policy = policy;
        this.router = router;
        this.observer = observer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange received) {
        String requestId = RequestIds.next();
        RequestObserver.Observation observation = observer.start(received, requestId);
        ServerWebExchange observed = observation.exchange();
        observed.getResponse().getHeaders().set("x-amz-request-id", requestId);
        String[] resource = {observed.getRequest().getURI().getRawPath()};
        AtomicBoolean bodyTaken = new AtomicBoolean();
        AtomicBoolean accepted = new AtomicBoolean();
        ServerWebExchange exchange = observed.mutate()
                .request(new ServerHttpRequestDecorator(observed.getRequest()) {
                    @Override
                    public Flux<DataBuffer> getBody() {
                        bodyTaken.set(true);
                        return super.getBody().transform(limits.bodyDeadline());
                    }
                })
                .response(DeclaredLengthGuard.wrap(
                        observed.getResponse(),
                        observed.getRequest().getMethod().name()))
                .build();
        return Mono.defer(() -> {
                    S3Request parsed = parse(exchange);
                    if (postForms != null && PostObjectForms.isFormUpload(parsed)) {
                        // the form is read first: it names the key and carries the signature
                        return postForms.accept(exchange, parsed, upload -> {
                            // a form's SSE-C key fields are headers of its PutObject: only over HTTPS too
                            sseCGuard.check(exchange.getRequest(), upload.put().headers());
                            ProxyExchange formPut = authorize(
                                    upload.exchange(),
                                    requestId,
                                    upload.put(),
                                    upload.auth(),
                                    observation,
                                    S3Operation.POST_OBJECT);
                            return serve(formPut, resource, accepted);
                        });
                    }
                    AuthResult auth = authenticate(exchange, parsed);
                    ProxyExchange proxyExchange = authorize(exchange, requestId, parsed, auth, observation, null);
                    return serve(proxyExchange, resource, accepted);
                })
                .onErrorResume(error -> {
                    if (accepted.get()) {
                        observation.failed(error);
                    } else {
                        observation.refused(error);
                    }
                    // a refusal over an unread body would otherwise reach many clients as a connection reset
                    return (bodyTaken.get()
                                    ? Mono.<Void>empty()
                                    : UnreadBody.discard(observed.getRequest(), observed.getResponse()))
                            .then(errors.respond(exchange, requestId, resource[0], error));
                })
                .doFinally(observation::finish);
    }

    /** Runs the routed handler under the client's concurrency cap. */
    private Mono<Void> serve(ProxyExchange proxyExchange, String[] resource, AtomicBoolean accepted) {
        resource[0] = proxyExchange.request().resource();
        // after authentication, so the cap is the principal's; SlowDown is a refusal like AccessDenied
        ClientConcurrencyLimit.Permit permit =
                limits.perClient().acquire(proxyExchange.auth().client().name());
        accepted.set(true);
        return Mono.defer(() -> router.handlerFor(proxyExchange).handle(proxyExchange))
                .doFinally(signal -> permit.release());
    }

    private S3Request parse(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        S3Request parsed = parser.parse(
                request.getMethod().name(),
                request.getURI().getRawPath(),
                request.getURI().getRawQuery(),
                ClientRequestHeaders.of(request.getHeaders()));
        UpfrontRefusals.check(parsed);
        return parsed;
    }

    private AuthResult authenticate(ServerWebExchange exchange, S3Request parsed) {
        // the parser's decoded query: one parse, and the signature covers the query that is forwarded
        AuthResult auth = verifier.verify(new SignedRequest(
                parsed.method(), parsed.rawPath(), parsed.rawQuery(), parsed.headers(), parsed.query()));
        sseCGuard.check(exchange.getRequest(), parsed.headers()); // SSE-C keys only over HTTPS, unless loopback-only
        return auth;
    }

    /**
     * The bucket grant, reserved metadata, the operation of s3seal's table and the policy's decision for
     * an authenticated request. A form upload comes here as the PutObject it stores ({@code auditedAs}
     * {@link S3Operation#POST_OBJECT}, so the audit names it), decided exactly as that PutObject; other
     * requests pass null and are audited as the operation recognised.
     */
    private ProxyExchange authorize(
            ServerWebExchange exchange,
            String requestId,
            S3Request parsed,
            AuthResult auth,
            RequestObserver.Observation observation,
            S3Operation auditedAs) {
        Map<String, List<String>> headers = parsed.headers();
        if (parsed.hasBucket() && !auth.client().mayUse(parsed.bucket())) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        refuseReservedMetadata(headers);
        // the policy decides on the operation of s3seal's table and on the query the upstream will get
        OperationTable.Recognised recognised = OperationTable.recognise(parsed);
        S3Request s3Request = parsed.withQuery(recognised.query());
        S3Operation operation = recognised.operation().family();
        PolicyDecision decision = policy.decide(
                auth.client().name(),
                s3Request.bucket(),
                policyKey(s3Request, recognised.operation()),
                recognised.operation().policyOperation());
        observation.decided(auth.client().name(), s3Request, auditedAs == null ? operation : auditedAs, decision);
        if (decision.denied()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        if (!s3Request.hasBucket() && !auth.client().mayUse("*")) {
            // ListBuckets would show every bucket name to a client limited to some of them.
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        CopySource source = copySource(s3Request, operation);
        PolicyDecision sourceDecision = source == null ? null : authorizeCopySource(source, auth);
        ClientSseHeaders.check(s3Request, decision, sourceDecision); // allow-client-sse-headers, every mode
        return new ProxyExchange(exchange, requestId, s3Request, auth, operation, decision, source, sourceDecision);
    }

    private static CopySource copySource(S3Request request, S3Operation operation) {
        String header = request.header("x-amz-copy-source");
        if (header == null) {
            return null;
        }
        if (operation != S3Operation.COPY_OBJECT && operation != S3Operation.UPLOAD_PART_COPY) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT, "x-amz-copy-source is only valid on CopyObject and UploadPartCopy.");
        }
        if (request.headers().get("x-amz-copy-source").size() > 1
                || request.headers()
                                .getOrDefault("x-amz-copy-source-range", List.of())
                                .size()
                        > 1) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "A copy names one source and at most one range.");
        }
        return CopySource.parse(header);
    }

    /**
     * The upstream copies under s3seal's credentials, so the source is authorized like a read by
     * this client: its bucket grant and the policy for the source key. The decision also says how
     * the source is stored (the router sends copies from or to client-side modes to s3seal's copy).
     */
    private PolicyDecision authorizeCopySource(CopySource source, AuthResult auth) {
        if (!auth.client().mayUse(source.bucket())) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        PolicyDecision read = policy.decide(auth.client().name(), source.bucket(), source.key(), Operation.READ);
        if (read.denied()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        return read;
    }

    /** A listing is decided by its prefix, everything else by its key. */
    private static String policyKey(S3Request request, S3ApiOperation operation) {
        if (operation.decidesOnPrefix()) {
            String prefix = request.query().first("prefix");
            return prefix == null || prefix.isEmpty() ? null : prefix;
        }
        return request.key();
    }

    /** s3seal's own metadata entries can only be written by s3seal. */
    private static void refuseReservedMetadata(Map<String, List<String>> headers) {
        for (String name : headers.keySet()) {
            if (EnvelopeMetadata.isReserved(name)) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT,
                        "Metadata names starting with x-amz-meta-s3seal- are reserved for s3seal.");
            }
        }
    }
}
