package dev.s3seal.ops.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per request to the logger {@value #LOGGER_NAME}, which
 * {@code logback-spring.xml} sends to stdout as the bare message (no level, no thread), apart from
 * the application log; {@link AuditFileAppender} adds a file when {@code s3seal.audit.file} is set.
 */
public final class AuditLog {

    public static final String LOGGER_NAME = "s3seal.audit";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER_NAME);
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    public void write(AuditRecord record) {
        try {
            // the line as the whole message, no arguments: logback then does no formatting of its own
            audit.info(record.toJson());
        } catch (RuntimeException e) {
            log.warn("audit line for request {} not written: {}", record.requestId(), e.toString());
        }
    }
}
