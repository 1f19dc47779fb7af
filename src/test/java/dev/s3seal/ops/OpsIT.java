package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.s3seal.ops.audit.AuditLog;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real traffic through s3seal shows up in Prometheus, in one audit line per request, and in readiness. */
@TestPropertySource(properties = "logging.level.dev.s3seal=DEBUG")
class OpsIT extends ProxyIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WRONG_SECRET = "not-alice-secret-9876543210";
    private static final List<String> SECRETS =
            List.of(ALICE_SECRET, BOB_SECRET, S3ProxyServer.SECRET_KEY, WRONG_SECRET);

    @LocalManagementPort
    int managementPort;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ListAppender<ILoggingEvent> auditLines = new ListAppender<>();
    private final ListAppender<ILoggingEvent> applicationLog = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        auditLines.start();
        applicationLog.start();
        ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER_NAME)).addAppender(auditLines);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(applicationLog);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER_NAME)).detachAppender(auditLines);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(applicationLog);
    }

    @Test
    void shouldCountAuditAndStayReadyWhenRealTrafficPassesThrough() throws Exception {
        String bucket = newBucket();
        byte[] data = new byte[100_000];
        new java.util.Random(7).nextBytes(data);
        Map<String, Double> before = scrape();

        String putId;
        String getId;
        String badId;
        Map<String, JsonNode> audit;
        // The clients stay connected until s3seal has recorded every request: a client that hangs up
        // as soon as it has the last byte can beat s3seal's own end of the exchange, which then counts
        // and audits the request as cancelled instead of success or client_error.
        try (S3Client alice = alice();
                S3Client forger = S3Clients.sync(endpoint(), ALICE_KEY, WRONG_SECRET)) {
            putId = alice.putObject(b -> b.bucket(bucket).key("dir/obj \"1\".bin"), RequestBody.fromBytes(data))
                    .responseMetadata()
                    .requestId();
            ResponseBytes<GetObjectResponse> read =
                    alice.getObjectAsBytes(b -> b.bucket(bucket).key("dir/obj \"1\".bin"));
            assertThat(read.asByteArray()).isEqualTo(data);
            getId = read.response().responseMetadata().requestId();
            S3Exception refused = (S3Exception) org.assertj.core.api.Assertions.catchThrowable(
                    () -> forger.putObject(b -> b.bucket(bucket).key("forged"), RequestBody.fromString("x")));
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
            badId = refused.requestId();
            assertThat(List.of(putId, getId, badId)).allMatch(id -> id != null && id.matches("[0-9A-F]{16}"));

            audit = awaitAuditLines(List.of(putId, getId, badId));
        }
        assertThat(audit.get(putId).get("operation").asString()).isEqualTo("PUT_OBJECT");
        assertThat(audit.get(putId).get("principal").asString()).isEqualTo("alice");
        assertThat(audit.get(putId).get("bucket").asString()).isEqualTo(bucket);
        assertThat(audit.get(putId).get("key").asString()).isEqualTo("dir/obj \"1\".bin");
        assertThat(audit.get(putId).get("mode").asString()).isEqualTo("passthrough");
        assertThat(audit.get(putId).get("outcome").asString()).isEqualTo("success");
        assertThat(audit.get(putId).get("bytesIn").asLong()).isGreaterThanOrEqualTo(data.length);
        assertThat(audit.get(getId).get("bytesOut").asLong()).isEqualTo(data.length);
        assertThat(audit.get(getId).get("status").asInt()).isEqualTo(200);
        assertThat(audit.get(badId).get("outcome").asString()).isEqualTo("client_error");
        assertThat(audit.get(badId).get("status").asInt()).isEqualTo(403);
        assertThat(audit.get(badId).get("error").asString()).isEqualTo("SignatureDoesNotMatch");
        assertThat(audit.get(badId).get("principal").isNull()).isTrue();

        Map<String, Double> after = scrape();
        assertMoved(
                before,
                after,
                "s3seal_requests_seconds_count",
                "operation=\"PUT_OBJECT\"",
                "outcome=\"success\"",
                "mode=\"passthrough\"");
        assertMoved(before, after, "s3seal_requests_seconds_count", "operation=\"GET_OBJECT\"", "outcome=\"success\"");
        assertMoved(
                before, after, "s3seal_requests_seconds_count", "operation=\"UNKNOWN\"", "outcome=\"client_error\"");
        assertMoved(before, after, "s3seal_requests_seconds_bucket", "operation=\"GET_OBJECT\"", "le=\"+Inf\"");
        assertMoved(before, after, "s3seal_auth_failures_total", "reason=\"SignatureDoesNotMatch\"");
        assertMoved(before, after, "s3seal_policy_decisions_total", "mode=\"passthrough\"");
        assertMoved(before, after, "s3seal_upstream_requests_seconds_count", "method=\"PUT\"", "status=\"2xx\"");
        assertThat(delta(before, after, "s3seal_received_bytes_total", "operation=\"PUT_OBJECT\""))
                .isGreaterThanOrEqualTo(data.length);
        assertThat(delta(before, after, "s3seal_sent_bytes_total", "operation=\"GET_OBJECT\""))
                .isGreaterThanOrEqualTo(data.length);
        assertThat(after.keySet())
                .anyMatch(k -> k.startsWith("s3seal_requests_active"))
                .anyMatch(k -> k.startsWith("s3seal_policy_reloads_total{") && k.contains("result=\"ok\""))
                .anyMatch(k -> k.startsWith("s3seal_keys_cache_total{") && k.contains("result=\"hit\""))
                .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(k -> k.startsWith("netty_allocator_memory_used"));

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode ready = JSON.readTree(readiness.body());
        assertThat(ready.get("status").asString()).isEqualTo("UP");
        assertThat(ready.get("components").propertyNames())
                .contains("readinessState", "s3sealPolicy", "s3sealUpstream", "s3sealKms");
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).doesNotContain("s3sealUpstream");

        List<ILoggingEvent> audited = snapshot(auditLines);
        List<ILoggingEvent> logged = snapshot(applicationLog);
        assertNoSecretIn(
                audited.stream().map(ILoggingEvent::getFormattedMessage).toList(), "audit log");
        assertNoSecretIn(logged.stream().map(OpsIT::render).toList(), "application log");
        assertThat(audited).allSatisfy(e -> JSON.readTree(e.getFormattedMessage()));
        assertThat(logged).noneMatch(e -> e.getLoggerName().equals(AuditLog.LOGGER_NAME));
    }

    private Map<String, JsonNode> awaitAuditLines(List<String> requestIds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // generous: a loaded CI machine
        while (true) {
            Map<String, JsonNode> byId = new java.util.HashMap<>();
            for (ILoggingEvent event : snapshot(auditLines)) {
                JsonNode node = JSON.readTree(event.getFormattedMessage());
                byId.put(node.get("requestId").asString(), node);
            }
            if (byId.keySet().containsAll(requestIds) || System.nanoTime() > deadline) {
                assertThat(byId).containsKeys(requestIds.toArray(String[]::new));
                return byId;
            }
            Thread.sleep(50);
        }
    }

    /**
     * The events captured so far. Event-loop and timer threads keep logging while the test reads
     * (audit lines are written after the response, DEBUG lines by probes): iterating the appender's
     * plain ArrayList then can throw ConcurrentModificationException or see a half-added element.
     * AppenderBase appends while holding the appender's monitor, so copy under that monitor.
     */
    private static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return new ArrayList<>(appender.list);
        }
    }

    private static void assertNoSecretIn(List<String> lines, String where) {
        assertThat(lines).as(where).isNotEmpty();
        for (String line : lines) {
            for (String secret : SECRETS) {
                assertThat(line).as(where).doesNotContain(secret);
            }
            assertThat(line).as(where).doesNotContain("Signature=", "X-Amz-Signature", "AWS4-HMAC-SHA256 Credential");
        }
    }

    private static String render(ILoggingEvent event) {
        return event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }

    private static void assertMoved(
            Map<String, Double> before, Map<String, Double> after, String metric, String... labels) {
        assertThat(delta(before, after, metric, labels))
                .as(metric + " " + String.join(",", labels))
                .isPositive();
    }

    /** Sum over the series of {@code metric} carrying all {@code labels}, after minus before. */
    private static double delta(
            Map<String, Double> before, Map<String, Double> after, String metric, String... labels) {
        return sum(after, metric, labels) - sum(before, metric, labels);
    }

    private static double sum(Map<String, Double> samples, String metric, String... labels) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(metric + "{"))
                .filter(e -> java.util.Arrays.stream(labels).allMatch(e.getKey()::contains))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?) (\\S+)");

    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body()
                .lines()
                .filter(line -> !line.startsWith("#"))
                .map(SAMPLE::matcher)
                .filter(Matcher::find)
                .collect(Collectors.toMap(m -> m.group(1), m -> Double.parseDouble(m.group(2)), (a, b) -> b));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
