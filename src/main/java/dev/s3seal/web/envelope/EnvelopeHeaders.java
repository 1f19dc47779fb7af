package dev.s3seal.web.envelope;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.StoredLength;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/** Reads s3seal's envelope entries from upstream headers and keeps them (and ciphertext facts) from clients. */
public final class EnvelopeHeaders {

    private EnvelopeHeaders() {}

    /**
     * The envelope of an object s3seal is about to describe to a client (GET, HEAD, a listing's
     * size, a copy's source), or null for an object s3seal did not encrypt: its plaintext length is
     * the one its stored length gives (docs/format.md 3, 6.2; {@link StoredLength}), so a length a
     * response declares never comes from editable metadata alone. {@code upstream} are the headers
     * of a HEAD, a whole GET (Content-Length) or a ranged GET (the total of Content-Range).
     *
     * @throws AuthenticationFailedException {@code LENGTH_MISMATCH} when metadata and stored length disagree
     */
    public static EnvelopeMetadata readStored(HttpHeaders upstream) {
        EnvelopeMetadata envelope = read(upstream);
        if (envelope != null && !envelope.isPending()) {
            StoredLength.plaintextLength(
                    envelope, storedLength(upstream), MultipartEnvelope.etagPartCount(upstream.getFirst("etag")));
        }
        return envelope;
    }

    /** The whole object's stored length: the total of {@code Content-Range: bytes a-b/total}, else Content-Length. */
    public static long storedLength(HttpHeaders upstream) {
        String contentRange = upstream.getFirst("content-range");
        if (contentRange == null) {
            return upstream.getContentLength();
        }
        int slash = contentRange.lastIndexOf('/');
        try {
            return slash < 0
                    ? -1
                    : Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException unknownTotal) {
            return -1; // "*": not a length
        }
    }

    /**
     * The envelope metadata of an upstream object, or null for an object s3seal did not encrypt.
     * Its length is as stored in the metadata: for a response's lengths use {@link #readStored}.
     */
    public static EnvelopeMetadata read(HttpHeaders upstream) {
        Map<String, String> entries = new LinkedHashMap<>();
        upstream.forEach((name, values) -> {
            if (EnvelopeMetadata.isReserved(name) && !values.isEmpty()) {
                entries.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        if (entries.isEmpty()) {
            return null;
        }
        try {
            return EnvelopeMetadata.fromHeaders(entries);
        } catch (IllegalArgumentException corrupt) {
            // damaged, forged, or written by a newer s3seal: never a 500 and a stack trace
            throw new S3Exception(
                    S3ErrorCode.INVALID_OBJECT_STATE,
                    "The object's s3seal metadata is not valid; it cannot be decrypted.");
        }
    }

    /** Removes checksums of stored bytes (x-amz-checksum-*, Content-MD5). */
    public static void stripChecksums(HttpHeaders client) {
        for (String name : java.util.List.copyOf(client.headerNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-checksum-") || lower.equals("content-md5")) {
                client.remove(name);
            }
        }
    }

    /** Removes s3seal's own entries (on responses whose body is passed as it is, such as errors). */
    public static void stripEnvelopeEntries(HttpHeaders client) {
        for (String name : java.util.List.copyOf(client.headerNames())) {
            if (EnvelopeMetadata.isReserved(name)) {
                client.remove(name);
            }
        }
    }

    /**
     * Removes what describes the ciphertext rather than the client's object: the envelope
     * entries, checksums and MD5 of stored bytes, and lengths (set again by the caller).
     */
    public static void stripCiphertextFacts(HttpHeaders client) {
        for (String name : java.util.List.copyOf(client.headerNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (EnvelopeMetadata.isReserved(lower)
                    || lower.startsWith("x-amz-checksum-")
                    || lower.equals("content-md5")
                    || lower.equals("content-length")
                    || lower.equals("content-range")) {
                client.remove(name);
            }
        }
    }
}
