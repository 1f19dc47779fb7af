package dev.s3seal.ops;

import dev.s3seal.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Upstream meters and the readiness contributor {@code s3sealUpstream}. Every upstream exchange
 * reports here (real traffic and {@link UpstreamProbe}'s); any HTTP answer below 500 means the
 * store is reachable, a 5xx or no answer is a failure, and {@code threshold} failures in a row make
 * s3seal not ready until the next good answer.
 */
public final class UpstreamHealth implements UpstreamClient.Listener, HealthIndicator {

    private static final ClientFaultLog faults = ClientFaultLog.of(LoggerFactory.getLogger(UpstreamHealth.class));

    private final MeterRegistry registry;
    private final MeterCache meters;
    private final FailureTracker tracker;

    public UpstreamHealth(MeterRegistry registry, int threshold, Clock clock) {
        this.registry = registry;
        this.meters = new MeterCache(registry);
        this.tracker = new FailureTracker(threshold, clock);
    }

    @Override
    public void answered(String method, int status, long nanos) {
        meters.timer(S3SealMeters.UPSTREAM_REQUESTS, method, (status / 100) + "xx")
                .record(nanos, TimeUnit.NANOSECONDS);
        if (status >= 500) {
            tracker.failed("HTTP " + status);
        } else {
            tracker.succeeded();
        }
    }

    /**
     * s3seal's own credentials, signature, region or clock were refused: a misconfiguration for the
     * operator, which the client only sees as 503. The code is logged; the upstream's document, which
     * may quote the key id, the string to sign and the security token, never is.
     */
    @Override
    public void credentialsRefused(String method, String code) {
        S3SealMeters.UPSTREAM_ERRORS.counter(registry, "credentials").increment();
        faults.warn(
                "the upstream refused s3seal's own credentials with {} to a {}: check s3seal.upstream.* and the clock",
                code,
                method);
    }

    @Override
    public void failed(String method, Throwable error, long nanos) {
        S3SealMeters.UPSTREAM_REQUESTS.timer(registry, method, "error").record(nanos, TimeUnit.NANOSECONDS);
        String cause = cause(error);
        S3SealMeters.UPSTREAM_ERRORS.counter(registry, cause).increment();
        tracker.failed(cause + ": " + error.getClass().getSimpleName());
    }

    /** When the upstream last answered or failed, or null: the probe skips a beat after real traffic. */
    Instant lastExchange() {
        return tracker.lastAnswer();
    }

    void probeFailed(String why) {
        S3SealMeters.UPSTREAM_ERRORS.counter(registry, "timeout").increment();
        tracker.failed(why);
    }

    @Override
    public Health health() {
        return tracker.health();
    }

    static String cause(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException
                    || e instanceof java.nio.channels.UnresolvedAddressException
                    || e instanceof java.net.UnknownHostException) {
                return "connect";
            }
            if (e instanceof TimeoutException
                    || e instanceof io.netty.handler.timeout.TimeoutException
                    || e instanceof io.netty.channel.ConnectTimeoutException) {
                return "timeout";
            }
            if (e instanceof PrematureCloseException) {
                return "closed";
            }
        }
        return "other";
    }
}
