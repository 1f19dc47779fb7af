/**
 * What every key provider shares: {@code KeyProvider}, the owned {@code DataKey}, wrapped keys, contexts, the caching provider.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.keys;

import org.jspecify.annotations.NullMarked;
