package dev.s3seal.web.copy;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.s3.CopySource;
import java.util.Arrays;
import org.springframework.http.HttpHeaders;

/**
 * The source of a copy, opened: what the upstream stores (headers, ETag) and what the client sees
 * (plaintext length and ETag). For an object s3seal encrypted it holds the unwrapped data key,
 * for one in the AWS S3 Encryption Client's format the content key, both wiped by {@link #close()};
 * {@code layout} is set for a sealed multipart object.
 *
 * @param envelope     null for an object stored as it is (passthrough, SSE, or an allowed plaintext read)
 *                     and for one in the client's format
 * @param upstreamEtag the upstream's ETag, which every later request on the source is pinned to
 * @param clientFormat the content key of an object in the AWS S3 Encryption Client's format, else null
 */
record CopySourceObject(
        CopySource source,
        HttpHeaders stored,
        EnvelopeMetadata envelope,
        byte[] dataKey,
        MultipartLayout layout,
        String upstreamEtag,
        String clientEtag,
        long plaintextLength,
        S3ecContentKey clientFormat)
        implements AutoCloseable {

    /** Encrypted in s3seal's own format. */
    boolean encrypted() {
        return envelope != null;
    }

    /** Encrypted in the AWS S3 Encryption Client's format: readable whole only, authenticated at its end. */
    boolean inClientFormat() {
        return clientFormat != null;
    }

    boolean multipart() {
        return layout != null;
    }

    @Override
    public void close() {
        if (dataKey != null) {
            Arrays.fill(dataKey, (byte) 0);
        }
        if (clientFormat != null) {
            clientFormat.close();
        }
    }

    @Override
    public String toString() {
        return "CopySourceObject[" + source + ", encrypted=" + encrypted() + ", clientFormat=" + inClientFormat()
                + ", length=" + plaintextLength + "]";
    }
}
