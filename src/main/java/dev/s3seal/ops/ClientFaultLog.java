package dev.s3seal.ops;

import org.slf4j.Logger;

/**
 * The log for a client's mistakes and for connections a client broke: one WARN line each, never
 * a stack trace, rate limited per logger (a client can cause as many of these as it likes). A
 * stack trace belongs only to s3seal's own bugs, which are logged at ERROR elsewhere.
 *
 * <p>Arguments are rendered as given, except that a {@link Throwable} is reduced to its class
 * name: exception messages may quote header values (a malformed {@code Content-Length}, an
 * {@code Authorization} fragment), and no header value belongs in a log.
 */
public final class ClientFaultLog {

    /** Enough for an operator to see what happens, too few to flood a log. */
    public static final int DEFAULT_LINES_PER_SECOND = 10;

    private final Logger logger;
    private final LogRateLimiter limiter;

    public ClientFaultLog(Logger logger, LogRateLimiter limiter) {
        this.logger = logger;
        this.limiter = limiter;
    }

    public static ClientFaultLog of(Logger logger) {
        return new ClientFaultLog(logger, new LogRateLimiter(DEFAULT_LINES_PER_SECOND, System::nanoTime));
    }

    public void warn(String format, Object... arguments) {
        if (!logger.isWarnEnabled()) {
            return;
        }
        LogRateLimiter.Admission admission = limiter.admit();
        if (!admission.admitted()) {
            return;
        }
        Object[] safe = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            safe[i] = arguments[i] instanceof Throwable error ? error.getClass().getSimpleName() : arguments[i];
        }
        if (admission.suppressedBefore() > 0) {
            logger.warn(
                    format + " ({} similar lines suppressed before this one)",
                    append(safe, admission.suppressedBefore()));
        } else {
            logger.warn(format, safe);
        }
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] all = new Object[arguments.length + 1];
        System.arraycopy(arguments, 0, all, 0, arguments.length);
        all[arguments.length] = last;
        return all;
    }
}
