package dev.s3seal.ops;

import java.util.Locale;
import reactor.core.publisher.SignalType;

/** How a client request ended: the {@code outcome} tag and audit field. */
public enum RequestOutcome {
    SUCCESS,
    CLIENT_ERROR,
    SERVER_ERROR,
    DENIED,
    CANCELLED;

    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A policy deny wins; a client that went away before it had the whole response is cancelled
     * ({@code delivered}: every byte of the response was handed on; clients often close the
     * connection on its last byte, racing the end of the request's own processing); otherwise the
     * status decides.
     */
    static RequestOutcome of(boolean denied, SignalType signal, int status, boolean delivered) {
        if (denied) {
            return DENIED;
        }
        if (signal == SignalType.CANCEL && !delivered) {
            return CANCELLED;
        }
        if (signal == SignalType.ON_ERROR || status >= 500) {
            return SERVER_ERROR;
        }
        return status >= 400 ? CLIENT_ERROR : SUCCESS;
    }
}
