/**
 * AWS KMS as a key provider, through the non-blocking {@code KmsAsyncClient}, with retries and error classification.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.keys.kms;

import org.jspecify.annotations.NullMarked;
