package dev.s3seal.limits;

import org.jspecify.annotations.Nullable;

/** Told each time a limit stops a request. Implementations never throw and never block. */
public interface LimitListener {

    LimitListener NONE = (limit, client) -> {};

    /** {@code client} is the principal's name, or null when it is not known yet (header deadline). */
    void limited(Limit limit, @Nullable String client);
}
