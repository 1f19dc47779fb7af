package dev.s3seal.web.envelope;

/**
 * How s3seal answers plaintext ETags under the client-side modes.
 *
 * @param sealMd5AfterPut after a PutObject without Content-MD5, store the sealed plaintext MD5
 *     ({@code s3seal-h}) with a server-side self-copy (one extra upstream request per such PUT)
 * @param listingLookups show plaintext ETags in listings, looked up per object (HEAD + unwrap,
 *     cached by upstream ETag); false shows the upstream's ciphertext ETags
 */
public record EtagSettings(boolean sealMd5AfterPut, boolean listingLookups) {

    public static final EtagSettings DEFAULTS = new EtagSettings(true, true);
}
