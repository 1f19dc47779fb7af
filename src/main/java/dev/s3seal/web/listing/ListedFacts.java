package dev.s3seal.web.listing;

/**
 * What the stored object behind one listing entry is, as its HEAD tells (a listing carries no
 * metadata, so its sizes alone cannot tell an s3seal object from a client-format or an unencrypted one).
 *
 * @param plaintextSize the size a GET of the object would answer
 * @param plaintextEtag the quoted plaintext MD5 of a sealed single-part s3seal object, else null
 *     (the listing keeps the upstream's ETag)
 */
record ListedFacts(Kind kind, long plaintextSize, String plaintextEtag) {

    enum Kind {
        /** s3seal's envelope format (any mode, sse-c emulated included). */
        S3SEAL,
        /** The AWS S3 Encryption Client's format. */
        S3EC,
        /** Stored without client-side encryption (migration, or written around s3seal). */
        UNENCRYPTED
    }

    ListedFacts withEtag(String etag) {
        return new ListedFacts(kind, plaintextSize, etag);
    }
}
