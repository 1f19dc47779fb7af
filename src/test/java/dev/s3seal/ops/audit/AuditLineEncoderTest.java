package dev.s3seal.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AuditLineEncoderTest {

    private static final String LINE = new AuditRecord(
                    Instant.parse("2026-12-03T21:00:00Z"),
                    "0123456789ABCDEF",
                    "alice",
                    "PUT_OBJECT",
                    "bucket",
                    "répertoire/😀 {} \"quoted\".txt",
                    "default",
                    "passthrough",
                    null,
                    "success",
                    200,
                    null,
                    4096,
                    0,
                    1)
            .toJson();

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @Test
    void shouldWriteExactlyWhatThePatternMsgNewlineWrote() {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern("%msg%n");
        pattern.setCharset(StandardCharsets.UTF_8);
        pattern.start();
        AuditLineEncoder encoder = new AuditLineEncoder();
        encoder.setContext(context);
        encoder.start();

        LoggingEvent event = event(LINE);

        assertThat(encoder.encode(event)).isEqualTo(pattern.encode(event));
        assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8)).isEqualTo(LINE + System.lineSeparator());
        assertThat(encoder.headerBytes()).isEqualTo(pattern.headerBytes());
        assertThat(encoder.footerBytes()).isEqualTo(pattern.footerBytes());
    }

    @Test
    void shouldAppendOneLinePerRequestToTheAuditFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditFileAppender ignored = new AuditFileAppender(file)) {
            new AuditLog()
                    .write(new AuditRecord(
                            Instant.parse("2026-12-03T21:00:00Z"),
                            "0123456789ABCDEF",
                            "alice",
                            "GET_OBJECT",
                            "bucket",
                            "répertoire/😀 {} \"quoted\".txt",
                            "default",
                            "passthrough",
                            null,
                            "success",
                            200,
                            null,
                            0,
                            4096,
                            1));
        }
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .containsExactly(LINE.replace("PUT_OBJECT", "GET_OBJECT")
                        .replace("\"bytesIn\":4096,\"bytesOut\":0", "\"bytesIn\":0,\"bytesOut\":4096"));
    }

    private LoggingEvent event(String message) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerContext(context);
        event.setLoggerName(AuditLog.LOGGER_NAME);
        event.setLevel(Level.INFO);
        event.setMessage(message);
        return event;
    }
}
