/**
 * The signing HTTP client to S3: one pool, re-signing with s3seal's credentials, retries of safe calls, Expect: 100-continue.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.upstream;

import org.jspecify.annotations.NullMarked;
