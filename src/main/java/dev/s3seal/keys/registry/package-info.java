/**
 * The policy's keys as providers, built from configuration and replaced with the policy.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.keys.registry;

import org.jspecify.annotations.NullMarked;
