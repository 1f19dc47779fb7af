/**
 * Reactor operators over {@code Flux<DataBuffer>} that encrypt, decrypt and verify bodies in s3seal's format; each releases every buffer it consumes and does not pass on.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.stream;

import org.jspecify.annotations.NullMarked;
