package dev.s3seal.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every meter s3seal registers, with its type, tags and meaning: the one place to look (the
 * "Metrics" table in docs/operations.md is written from it). Names are Micrometer names; Prometheus shows dots as
 * underscores, adds {@code _seconds} to timers, the base unit to counters and {@code _total} to counters
 * ({@code s3seal.received} is {@code s3seal_received_bytes_total}). JVM meters ({@code jvm_memory_used_bytes},
 * ...) come from Spring Boot; Netty's allocator ({@code netty_allocator_memory_used_bytes}, ...) is
 * bound by {@link OpsMeterBinders}.
 *
 * <p>Tag values: {@code operation} is an {@link dev.s3seal.s3.S3Operation} name ({@code UNKNOWN} when
 * the request did not parse); {@code mode} a policy mode's YAML name ({@code none} before a decision);
 * {@code outcome} a {@link RequestOutcome}; {@code reason} an S3 error code ({@code SignatureDoesNotMatch},
 * {@code InvalidAccessKeyId}, ...) or a key-service failure reason; {@code rule} a policy rule name.
 */
public enum S3SealMeters {

    /** Requests on the S3 port, end to end (until the last response byte or the abort). */
    REQUESTS(
            "s3seal.requests",
            Type.TIMER,
            null,
            "Client requests by S3 operation, policy mode and outcome",
            "operation",
            "mode",
            "outcome"),
    /** Requests in progress, transfers included. */
    REQUESTS_ACTIVE("s3seal.requests.active", Type.GAUGE, null, "Client requests in progress"),
    /** Request body bytes read from clients, as received (aws-chunked framing included). */
    RECEIVED("s3seal.received", Type.COUNTER, "bytes", "Request body bytes received from clients", "operation"),
    /** Response body bytes written to clients. */
    SENT("s3seal.sent", Type.COUNTER, "bytes", "Response body bytes sent to clients", "operation"),
    /** Plaintext bytes through s3seal's own ciphers (client-side modes, sse-c emulated), counted by the operators. */
    CRYPTO_BYTES(
            "s3seal.crypto",
            Type.FUNCTION_COUNTER,
            "bytes",
            "Plaintext bytes encrypted or decrypted by s3seal",
            "direction"),
    /** Requests refused before a policy decision (parse, signature, credentials, bucket permission). */
    AUTH_FAILURES(
            "s3seal.auth.failures", Type.COUNTER, null, "Requests refused before routing, by S3 error code", "reason"),
    /** Policy decisions, deny included. */
    POLICY_DECISIONS(
            "s3seal.policy.decisions", Type.COUNTER, null, "Policy decisions by rule and mode", "rule", "mode"),
    /** Policy file reloads; result is ok or failed (a failed reload keeps the previous policy). */
    POLICY_RELOADS("s3seal.policy.reloads", Type.FUNCTION_COUNTER, null, "Policy reloads by result", "result"),
    /** Upstream exchanges until the response headers; status is 2xx..5xx, or error when none came. */
    UPSTREAM_REQUESTS(
            "s3seal.upstream.requests",
            Type.TIMER,
            null,
            "Upstream requests until response headers, by method and status class",
            "method",
            "status"),
    /**
     * Upstream exchanges that failed before any answer, cause connect, timeout, closed or other; or whose
     * answer refused s3seal's own credentials or signature, cause credentials (the client got 503).
     */
    UPSTREAM_ERRORS(
            "s3seal.upstream.errors",
            Type.COUNTER,
            null,
            "Upstream requests that got no answer or refused s3seal's credentials, by cause",
            "cause"),
    /**
     * Requests stopped by a limit: limit is header-read (connection closed), body-idle (RequestTimeout)
     * or client-concurrency (SlowDown); client is the principal's name ({@code none} before authentication).
     */
    LIMITED(
            "s3seal.limited",
            Type.COUNTER,
            null,
            "Requests stopped by a limit, by limit (header-read, body-idle, client-concurrency) and client",
            "limit",
            "client"),
    /** Key caches of the policy in force (they restart from zero when a reload builds new ones). */
    KEY_CACHE(
            "s3seal.keys.cache",
            Type.FUNCTION_COUNTER,
            null,
            "Key cache lookups; cache is encryption (KEK reuse) or decryption (unwrapped keys), result hit or miss",
            "cache",
            "result"),
    /** KMS API calls (each retry counted), until the SDK has the answer; outcome is ok or error. */
    KMS_CALLS("s3seal.kms.calls", Type.TIMER, null, "KMS API calls by operation and outcome", "operation", "outcome"),
    /** Key-service failures seen by requests; reason is a KeyProviderException reason (UNAVAILABLE, ...). */
    KMS_FAILURES(
            "s3seal.kms.failures", Type.COUNTER, null, "Key service failures seen by requests, by reason", "reason"),
    /**
     * Requests that found an object altered at rest: a tag, commitment or manifest that did not verify, or
     * a declared plaintext length that disagrees with the stored length. {@code stage} is
     * {@code before_headers} (answered 403 InvalidObjectState) or {@code after_headers} (connection aborted).
     */
    /**
     * Client-side PutObject bodies without Content-MD5 and the held-body budget's answer: {@code held} (read whole,
     * stored in one upstream request), {@code budget_full} or {@code too_large} (streamed, sealed by a second request).
     */
    HELD_BODIES(
            "s3seal.held.bodies",
            Type.FUNCTION_COUNTER,
            null,
            "PutObject bodies held whole for one upstream request, or streamed, by result (held, budget_full, too_large)",
            "result"),
    /** Bytes of the held-body budget reserved right now. */
    HELD_BODY_BYTES("s3seal.held.body.bytes", Type.GAUGE, null, "Bytes of the held-body budget in use"),
    INTEGRITY_FAILURES(
            "s3seal.integrity.failures",
            Type.COUNTER,
            null,
            "Objects found altered at rest, by S3 operation and whether the response had started",
            "operation",
            "stage");

    /**
     * The upper bounds of every timer's histogram ({@code le} in Prometheus, plus {@code +Inf}): S3 latencies from a
     * small GET (milliseconds) to a large transfer or a multipart seal (minutes). A fixed, short list on purpose: a
     * percentile histogram publishes some seventy buckets for every tag combination, which made one scrape after a
     * varied workload over half a megabyte (ScrapeSizeIT).
     */
    public static final List<Duration> LATENCY_BUCKETS = List.of(
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2));

    /** The Micrometer meter type. */
    public enum Type {
        COUNTER,
        FUNCTION_COUNTER,
        GAUGE,
        TIMER
    }

    private final String meterName;
    private final Type type;
    private final String baseUnit;
    private final String description;
    private final List<String> tagKeys;

    S3SealMeters(String meterName, Type type, String baseUnit, String description, String... tagKeys) {
        this.meterName = meterName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    public String meterName() {
        return meterName;
    }

    public Type type() {
        return type;
    }

    public String description() {
        return description;
    }

    public List<String> tagKeys() {
        return tagKeys;
    }

    /** Tags in the documented order; fails fast when a caller passes other keys. */
    Tags tags(String... values) {
        if (values.length != tagKeys.size()) {
            throw new IllegalArgumentException(meterName + " takes tags " + tagKeys);
        }
        Tags tags = Tags.empty();
        for (int i = 0; i < values.length; i++) {
            tags = tags.and(tagKeys.get(i), values[i] == null ? "none" : values[i]);
        }
        return tags;
    }

    Counter counter(MeterRegistry registry, String... tagValues) {
        expect(Type.COUNTER);
        return Counter.builder(meterName)
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags(tagValues))
                .register(registry);
    }

    Timer timer(MeterRegistry registry, String... tagValues) {
        expect(Type.TIMER);
        return Timer.builder(meterName)
                .description(description)
                .tags(tags(tagValues))
                .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new))
                .register(registry);
    }

    <T> FunctionCounter functionCounter(
            MeterRegistry registry, T source, ToDoubleFunction<T> count, String... tagValues) {
        expect(Type.FUNCTION_COUNTER);
        return FunctionCounter.builder(meterName, source, count)
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags(tagValues))
                .register(registry);
    }

    <T> Gauge gauge(MeterRegistry registry, T source, ToDoubleFunction<T> value) {
        expect(Type.GAUGE);
        return Gauge.builder(meterName, source, value).description(description).register(registry);
    }

    private void expect(Type expected) {
        if (type != expected) {
            throw new IllegalStateException(meterName + " is a " + type);
        }
    }
}
