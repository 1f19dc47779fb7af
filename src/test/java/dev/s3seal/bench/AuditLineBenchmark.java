package dev.s3seal.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.s3seal.ops.audit.AuditLineEncoder;
import dev.s3seal.ops.audit.AuditLog;
import dev.s3seal.ops.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * The audit line of one request: the JSON line built from its record, and the bytes an appender writes
 * for it, through s3seal's {@link AuditLineEncoder} and through the pattern layout ({@code %msg%n}) it
 * replaced. Run like {@link RequestAuthBenchmark} (docs/benchmarks.md, "Small-request CPU, round 3").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditLineBenchmark {

    private final AuditRecord record = new AuditRecord(
            Instant.parse("2026-12-03T21:00:00.123456Z"),
            "18C0F2A1B3D4E5F6",
            "bench",
            "PUT_OBJECT",
            "bench-passthrough",
            "object-4KiB-000123",
            "default",
            "passthrough",
            null,
            "success",
            200,
            null,
            4096,
            0,
            1);
    private final LoggingEvent event = new LoggingEvent();
    private final AuditLineEncoder encoder = new AuditLineEncoder();
    private final PatternLayoutEncoder pattern = new PatternLayoutEncoder();

    @Setup
    public void setUp() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        event.setLoggerContext(context);
        event.setLoggerName(AuditLog.LOGGER_NAME);
        event.setLevel(Level.INFO);
        event.setMessage(record.toJson());
        encoder.setContext(context);
        encoder.start();
        pattern.setContext(context);
        pattern.setPattern("%msg%n");
        pattern.setCharset(StandardCharsets.UTF_8);
        pattern.start();
    }

    @Benchmark
    public String jsonLine() {
        return record.toJson();
    }

    @Benchmark
    public byte[] encodeWithAuditLineEncoder() {
        return encoder.encode(event);
    }

    @Benchmark
    public byte[] encodeWithPatternLayout() {
        return pattern.encode(event);
    }
}
