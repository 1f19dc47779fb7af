/**
 * S3's vocabulary: requests and their parser, names, ranges, copy sources, error codes; no other s3seal package.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.s3;

import org.jspecify.annotations.NullMarked;
