/**
 * The YAML policy file: parsing with errors that name the line, the holder of the policy in force and its hot reload.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.policy.file;

import org.jspecify.annotations.NullMarked;
