package dev.s3seal.ops.audit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * Writes an audit event as its message and a line separator in UTF-8: what the pattern {@code %msg%n}
 * writes, without a pattern layout's converter chain and buffer per event (one audit line per request
 * is on every request's path). The message is already one JSON line ({@link AuditRecord#toJson()}).
 */
public final class AuditLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] NO_BYTES = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NO_BYTES;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return (event.getFormattedMessage() + CoreConstants.LINE_SEPARATOR).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NO_BYTES;
    }
}
