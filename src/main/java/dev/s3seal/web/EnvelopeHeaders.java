package dev.s3seal.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.HttpHeaders;

import dev.s3seal.crypto.EnvelopeMetadata;

/** Reads s3seal's envelope entries from upstream headers and keeps them (and ciphertext facts) from clients. */
final class EnvelopeHeaders {

    private EnvelopeHeaders() {
    }

    /** The envelope metadata of an upstream object, or null for an object s3seal did not encrypt. */
    static EnvelopeMetadata read(HttpHeaders upstream) {
        Map<String, String> entries = new LinkedHashMap<>();
        upstream.forEach((name, values) -> {
            if (EnvelopeMetadata.isReserved(name) && !values.isEmpty()) {
                entries.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return entries.isEmpty() ? null : EnvelopeMetadata.fromHeaders(entries);
    }

    /**
     * Removes what describes the ciphertext rather than the client's object: the envelope
     * entries, checksums and MD5 of stored bytes, and lengths (set again by the caller).
     */
    static void stripCiphertextFacts(HttpHeaders client) {
        for (String name : java.util.List.copyOf(client.headerNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (EnvelopeMetadata.isReserved(lower) || lower.startsWith("x-amz-checksum-")
                    || lower.equals("content-md5") || lower.equals("content-length") || lower.equals("content-range")) {
                client.remove(name);
            }
        }
    }
}
