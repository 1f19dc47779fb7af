/**
 * s3seal's object format as pure functions and small stateful ciphers: segments, the stream header
 * and its key commitment, the multipart manifest, range maths, stored lengths, the envelope entries.
 * No I/O, no framework, no other s3seal package (ArchitectureTest). Nothing here is null unless it
 * says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.crypto;

import org.jspecify.annotations.NullMarked;
