package dev.s3seal.ops.audit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Appends the audit lines to {@code s3seal.audit.file} as well as stdout. Attached at startup
 * (logging is configured by then) and detached at shutdown. Rotation is left to the platform
 * (logrotate with copytruncate, or a sidecar shipping the file).
 */
public final class AuditFileAppender implements AutoCloseable {

    private final FileAppender<ILoggingEvent> appender;
    private final Logger logger;

    public AuditFileAppender(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        AuditLineEncoder encoder = new AuditLineEncoder();
        encoder.setContext(context);
        encoder.start();
        appender = new FileAppender<>();
        appender.setName("AUDIT_FILE");
        appender.setContext(context);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        logger = context.getLogger(AuditLog.LOGGER_NAME);
        logger.addAppender(appender);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
