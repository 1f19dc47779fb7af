/**
 * {@code multipart/form-data} bodies of browser form uploads, parsed as they stream.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.s3.form;

import org.jspecify.annotations.NullMarked;
