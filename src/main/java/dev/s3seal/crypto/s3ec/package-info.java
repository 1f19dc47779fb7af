/**
 * The AWS S3 Encryption Client's format (V2 and V3): its metadata, content keys and key commitment, key wrap, GCM streams; pure Java like {@code crypto}.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.crypto.s3ec;

import org.jspecify.annotations.NullMarked;
