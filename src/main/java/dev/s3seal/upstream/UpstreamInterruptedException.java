package dev.s3seal.upstream;

/**
 * The upstream connection failed while its response body was being read (reset, closed early, idle
 * too long). Before the client's response started this is a 503 like any unreachable upstream;
 * after, the client's connection must be aborted so its body never ends cleanly.
 *
 * <p>It deliberately carries neither the original exception nor its message: Spring takes an error
 * whose chain mentions "connection reset by peer" or "broken pipe" for a client that went away,
 * swallows it and lets the server end the response as if it were complete, which leaves a
 * keep-alive client waiting for bytes that never come. Only the cause's class name is kept.
 */
public final class UpstreamInterruptedException extends RuntimeException {

    UpstreamInterruptedException(Throwable cause) {
        super("the upstream response was interrupted (" + cause.getClass().getSimpleName() + ")", null, false, false);
    }
}
