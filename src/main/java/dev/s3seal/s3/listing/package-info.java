/**
 * Listings rewritten with plaintext sizes and ETags: a StAX read that records where each field's text sits, and a splice.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.s3.listing;

import org.jspecify.annotations.NullMarked;
