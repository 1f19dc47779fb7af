/**
 * Strict XML of S3's small documents: error documents, DeleteObjects bodies, escaping.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.s3.xml;

import org.jspecify.annotations.NullMarked;
