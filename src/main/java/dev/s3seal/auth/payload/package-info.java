/**
 * Verification of request bodies as they stream: aws-chunked framing and its chunk signatures,
 * trailers, and the checksums S3 accepts (MD5, CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256). Pure Java,
 * like {@code dev.s3seal.auth}: no Spring, no Netty (ArchitectureTest).
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.auth.payload;

import org.jspecify.annotations.NullMarked;
