/**
 * Client authentication, pure Java over records and bytes (no Spring, no Netty).
 *
 * <p>{@link dev.s3seal.auth.SigV4Verifier} decides who a request comes from (Authorization header
 * or presigned query) and how its body must be checked ({@link dev.s3seal.auth.AuthResult});
 * {@link dev.s3seal.auth.payload.PayloadVerifier} then decodes aws-chunked bodies and checks chunk and
 * trailer signatures, the signed SHA-256, Content-MD5 and {@code x-amz-checksum-*} as the bytes
 * stream. Callers pass headers exactly as received (lower-case names): a header that a client
 * signed and the proxy dropped (for example {@code expect}) makes the signature fail.
 * Error messages go to clients and never contain a secret or a signature.
 *
 * <p>Nothing here is null unless it says {@code @Nullable}.
 */
@NullMarked
package dev.s3seal.auth;

import org.jspecify.annotations.NullMarked;
