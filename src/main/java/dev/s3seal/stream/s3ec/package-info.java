/**
 * Reactor operators for the AWS S3 Encryption Client's format: encrypt, decrypt (one or two passes), verify, unauthenticated ranges.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.stream.s3ec;

import org.jspecify.annotations.NullMarked;
