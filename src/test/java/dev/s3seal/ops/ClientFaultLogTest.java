package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientFaultLogTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private ClientFaultLog log;

    @BeforeEach
    void capture() {
        Logger logger = new LoggerContext().getLogger("test.client-faults");
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
        log = new ClientFaultLog(logger, new LogRateLimiter(3, nanos::get));
    }

    @Test
    void shouldWriteAtMostTheBurstWhenFlooded() {
        for (int i = 0; i < 10_000; i++) {
            log.warn("refused request {}", i);
        }
        assertThat(lines.list).hasSize(3);
        assertThat(lines.list).allMatch(line -> line.getLevel() == Level.WARN);
    }

    @Test
    void shouldCountSuppressedLinesInTheNextLineWhenTheBucketRefills() {
        for (int i = 0; i < 10; i++) {
            log.warn("refused request {}", i);
        }
        nanos.addAndGet(1_000_000_000L / 3);
        log.warn("refused request {}", "late");
        assertThat(lines.list).hasSize(4);
        assertThat(lines.list.get(3).getFormattedMessage())
                .isEqualTo("refused request late (7 similar lines suppressed before this one)");
    }

    @Test
    void shouldRefillNoMoreThanTheBurstAfterALongSilence() {
        nanos.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 10; i++) {
            log.warn("refused request {}", i);
        }
        assertThat(lines.list).hasSize(3);
    }

    @Test
    void shouldNeverWriteAStackTraceOrAnExceptionMessage() {
        log.warn("connection failed: {}", new IllegalArgumentException("Content-Length value is not a number: secret"));
        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getThrowableProxy()).isNull();
        assertThat(lines.list.get(0).getFormattedMessage())
                .isEqualTo("connection failed: IllegalArgumentException")
                .doesNotContain("secret");
    }
}
