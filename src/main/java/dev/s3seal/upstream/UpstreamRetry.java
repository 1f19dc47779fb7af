package dev.s3seal.upstream;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import reactor.util.retry.Retry;

/**
 * Sends an upstream request again when its connection failed before any answer came (refused, reset,
 * closed early), if sending it twice is harmless: an idempotent method (GET, HEAD, PUT, DELETE) whose
 * body is absent or can be replayed (a client's streamed body cannot). At most {@link #MAX_RETRIES}
 * more attempts, after a short jittered backoff; then the last failure stands (the client hears 503
 * and its SDK retries). Not retried: timeouts (an upstream that stalls would make the client wait
 * several times over, and may still be working on the first attempt), and anything once the upstream
 * answered, whatever its status (a 503 SlowDown is the client's signal to back off).
 */
public final class UpstreamRetry {

    static final int MAX_RETRIES = 2;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE");

    private UpstreamRetry() {}

    /** Whether {@code request} may be sent again; {@code replayableBody} says its body can be subscribed twice. */
    public static boolean isSafeToRepeat(UpstreamRequest request, boolean replayableBody) {
        return IDEMPOTENT.contains(request.method()) && (!request.hasBody() || replayableBody);
    }

    /** A failure of the connection itself, before the upstream could answer, and not a timeout. */
    static boolean isConnectionFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectTimeoutException) {
                return false;
            }
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The retry for one exchange; {@code answered} turns true once the upstream's response began. */
    static Retry whileUnanswered(BooleanSupplier answered) {
        return Retry.backoff(MAX_RETRIES, FIRST_BACKOFF)
                .filter(error -> !answered.getAsBoolean() && isConnectionFailure(error))
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }
}
