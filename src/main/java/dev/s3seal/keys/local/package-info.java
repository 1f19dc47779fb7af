/**
 * Local master keys: files or environment variables, their versions, and the provider that wraps data keys with them.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.keys.local;

import org.jspecify.annotations.NullMarked;
