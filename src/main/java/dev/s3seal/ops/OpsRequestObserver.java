package dev.s3seal.ops;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.ops.audit.AuditLog;
import dev.s3seal.ops.audit.AuditRecord;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.SignalType;

/** Turns each request's observation into meters ({@link S3SealMeters}), an audit line and KMS health. */
public final class OpsRequestObserver implements RequestObserver {

    private final MeterRegistry registry;
    private final MeterCache meters;
    private final AuditLog audit;
    private final KmsHealth kms;
    private final Clock clock;
    private final AtomicInteger active = new AtomicInteger();

    public OpsRequestObserver(MeterRegistry registry, AuditLog audit, KmsHealth kms, Clock clock) {
        this.registry = registry;
        this.meters = new MeterCache(registry);
        this.audit = audit;
        this.kms = kms;
        this.clock = clock;
        S3SealMeters.REQUESTS_ACTIVE.gauge(registry, active, AtomicInteger::get);
    }

    @Override
    public Observation start(ServerWebExchange exchange, String requestId) {
        active.incrementAndGet();
        return new Tracked(exchange, requestId);
    }

    private final class Tracked implements Observation {
        private final String requestId;
        private final Instant time = clock.instant();
        private final long startNanos = System.nanoTime();
        private final LongAdder received = new LongAdder();
        private final LongAdder sent = new LongAdder();
        private final AtomicBoolean finished = new AtomicBoolean();
        private final ServerWebExchange exchange;
        private volatile String principal;
        private volatile S3Request request;
        private volatile S3Operation operation;
        private volatile PolicyDecision decision;
        private volatile String errorCode;
        private volatile boolean unexpectedError;

        Tracked(ServerWebExchange exchange, String requestId) {
            this.requestId = requestId;
            this.exchange = CountingExchange.wrap(exchange, received, sent);
        }

        @Override
        public ServerWebExchange exchange() {
            return exchange;
        }

        @Override
        public void decided(String principal, S3Request request, S3Operation operation, PolicyDecision decision) {
            this.principal = principal;
            this.request = request;
            this.operation = operation;
            this.decision = decision;
            meters.counter(
                            S3SealMeters.POLICY_DECISIONS,
                            decision.rule().name(),
                            decision.mode().yamlName())
                    .increment();
        }

        @Override
        public void refused(Throwable error) {
            errorCode = codeOf(error);
            if (decision == null) {
                S3SealMeters.AUTH_FAILURES.counter(registry, errorCode).increment();
            }
        }

        @Override
        public void failed(Throwable error) {
            errorCode = error instanceof S3Exception s3 ? s3.errorCode().code() : null;
            unexpectedError = !(error instanceof S3Exception);
            if (isIntegrityFailure(error)) {
                String op = operation == null ? "UNKNOWN" : operation.name();
                S3SealMeters.INTEGRITY_FAILURES
                        .counter(
                                registry, op, exchange.getResponse().isCommitted() ? "after_headers" : "before_headers")
                        .increment();
                return;
            }
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                if (cause instanceof KeyProviderException key) {
                    S3SealMeters.KMS_FAILURES
                            .counter(registry, key.reason().name())
                            .increment();
                    if (key.retryable()) {
                        kms.failed(key.reason().name());
                    }
                    return;
                }
            }
        }

        /** An object that did not verify, in s3seal's format or the AWS client's, anywhere in the cause chain. */
        private static boolean isIntegrityFailure(Throwable error) {
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                if (cause instanceof AuthenticationFailedException) {
                    return true;
                }
                if (cause instanceof S3ecException s3ec
                        && (s3ec.reason() == S3ecException.Reason.AUTHENTICATION_FAILED
                                || s3ec.reason() == S3ecException.Reason.COMMITMENT_MISMATCH
                                || s3ec.reason() == S3ecException.Reason.INVALID_LENGTH)) {
                    return true;
                }
            }
            return false;
        }

        /** True when the response is committed and all of its body (by its Content-Length) was handed on. */
        private boolean delivered(int status) {
            var response = exchange.getResponse();
            if (!response.isCommitted()) {
                return false;
            }
            boolean noBody = "HEAD".equals(exchange.getRequest().getMethod().name()) || status == 204 || status == 304;
            long length = response.getHeaders().getContentLength();
            return noBody || (length >= 0 && sent.sum() >= length);
        }

        @Override
        public void finish(SignalType signal) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            active.decrementAndGet();
            long nanos = System.nanoTime() - startNanos;
            HttpStatusCode statusCode = exchange.getResponse().getStatusCode();
            int status = statusCode == null ? 200 : statusCode.value();
            PolicyDecision decided = decision;
            RequestOutcome outcome =
                    RequestOutcome.of(decided != null && decided.denied(), signal, status, delivered(status));
            String op = operation == null ? "UNKNOWN" : operation.name();
            String mode = decided == null ? "none" : decided.mode().yamlName();
            meters.timer(S3SealMeters.REQUESTS, op, mode, outcome.tagValue()).record(nanos, TimeUnit.NANOSECONDS);
            meters.counter(S3SealMeters.RECEIVED, op).increment(received.sum());
            meters.counter(S3SealMeters.SENT, op).increment(sent.sum());
            if (outcome == RequestOutcome.SUCCESS && decided != null && decided.mode() == Mode.CSE_KMS) {
                kms.succeeded();
            }
            S3Request s3 = request;
            if (unexpectedError && errorCode == null) {
                errorCode = status == 503 ? S3ErrorCode.SERVICE_UNAVAILABLE.code() : S3ErrorCode.INTERNAL_ERROR.code();
            }
            audit.write(new AuditRecord(
                    time,
                    requestId,
                    principal,
                    op,
                    s3 == null ? null : s3.bucket(),
                    s3 == null ? null : s3.key(),
                    decided == null ? null : decided.rule().name(),
                    decided == null ? null : mode,
                    decided == null ? null : keyId(decided),
                    outcome.tagValue(),
                    status,
                    errorCode,
                    received.sum(),
                    sent.sum(),
                    TimeUnit.NANOSECONDS.toMillis(nanos)));
        }
    }

    private static String codeOf(Throwable error) {
        return error instanceof S3Exception s3 ? s3.errorCode().code() : S3ErrorCode.INTERNAL_ERROR.code();
    }

    /** A key's id or name and version, never its material. */
    static String keyId(PolicyDecision decision) {
        return decision.key()
                .map(key -> {
                    if (key instanceof KeyDefinition.KmsKey kmsKey) {
                        return kmsKey.keyId();
                    }
                    if (key instanceof KeyDefinition.LocalKey local) {
                        return local.name() + "/v" + local.activeVersion();
                    }
                    return key.name();
                })
                .orElse(null);
    }
}
