/**
 * The AWS S3 Encryption Client's key material and KMS calls.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.keys.s3ec;

import org.jspecify.annotations.NullMarked;
