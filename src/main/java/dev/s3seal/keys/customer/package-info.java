/**
 * SSE-C customer keys: the key sent upstream under {@code inject}, and the provider of the emulated variant.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.keys.customer;

import org.jspecify.annotations.NullMarked;
