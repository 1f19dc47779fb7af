/**
 * Limits that keep one slow or greedy client from starving the others: a deadline for request
 * headers, a deadline between body bytes, and a cap on each client's concurrent requests (each
 * of which holds a pooled upstream connection). Plain Netty and Reactor pieces, wired by
 * {@code config}; refusals are reported to a {@link dev.s3seal.limits.LimitListener}.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.limits;

import org.jspecify.annotations.NullMarked;
