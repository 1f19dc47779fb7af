/**
 * Rules, modes, decisions and the engine: a pure decision over records, no I/O.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.policy;

import org.jspecify.annotations.NullMarked;
