/**
 * Browser form uploads (PostObject): the form's fields, its POST policy and conditions, the form's SigV4 signature; pure Java.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.auth.post;

import org.jspecify.annotations.NullMarked;
