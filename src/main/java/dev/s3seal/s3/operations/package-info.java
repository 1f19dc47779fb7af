/**
 * The table of S3's operations, their canonical queries and the refusals made before authentication.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.s3.operations;

import org.jspecify.annotations.NullMarked;
