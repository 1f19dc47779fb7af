package dev.s3seal.web.copy;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.web.envelope.CarriedObjectSettings;
import dev.s3seal.web.object.S3ecDownload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

/**
 * The headers a copy's destination is written with, as S3 decides them: user metadata and content
 * headers from the source ({@code x-amz-metadata-directive: COPY}, the default) or from the request
 * ({@code REPLACE}); the request's other object settings (storage class, ACL, tagging, object lock,
 * SSE) always. s3seal's own metadata entries, and those of the AWS S3 Encryption Client's envelope
 * of a source in that format, never come from the source: the caller adds the destination's envelope.
 */
final class CopiedMetadata {

    /** What S3 copies with the metadata (COPY) or takes from the request (REPLACE). */
    static final Set<String> CONTENT_HEADERS = Set.of(
            "content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires");

    private CopiedMetadata() {}

    /** True for {@code REPLACE}; the default is COPY; anything else is refused as by S3. */
    static boolean replaces(S3Request request) {
        String directive = request.header("x-amz-metadata-directive");
        if (directive == null || directive.trim().equalsIgnoreCase("COPY")) {
            return false;
        }
        if (directive.trim().equalsIgnoreCase("REPLACE")) {
            return true;
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown metadata directive.");
    }

    /**
     * The destination's headers without envelope entries. {@code serverSide}: the upstream copies,
     * so the tagging directive stays; a streamed copy is a PUT, which has none.
     */
    static Map<String, List<String>> destinationHeaders(
            S3Request request, HttpHeaders sourceStored, boolean serverSide) {
        boolean replace = replaces(request);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ForwardedHeaders.toUpstream(request.headers(), false).forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean metadata = lower.startsWith("x-amz-meta-") || CONTENT_HEADERS.contains(lower);
            if (CopyConditions.HANDLED.contains(lower)
                    || lower.startsWith("x-amz-copy-source-")
                    || lower.startsWith("x-amz-checksum-")
                    || lower.equals("content-md5")
                    || lower.equals("x-amz-sdk-checksum-algorithm")
                    || (metadata && !replace)
                    || (!serverSide && lower.equals("x-amz-tagging-directive"))) {
                return;
            }
            headers.put(lower, values);
        });
        if (!replace) {
            boolean clientFormat = S3ecDownload.isS3ec(sourceStored);
            sourceStored.forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if ((lower.startsWith("x-amz-meta-")
                                && !EnvelopeMetadata.isReserved(lower)
                                && !(clientFormat && isClientFormatEntry(lower)))
                        || CONTENT_HEADERS.contains(lower)) {
                    headers.put(lower, List.copyOf(values));
                }
            });
        }
        return headers;
    }

    /** An entry of the AWS S3 Encryption Client's envelope ({@code x-amz-meta-x-amz-key-v2}, ...). */
    private static boolean isClientFormatEntry(String lowerHeaderName) {
        return S3ecMetadata.isFormatEntry(lowerHeaderName.substring(S3ecMetadata.USER_METADATA_PREFIX.length()));
    }

    /**
     * S3's tagging directive for a copy s3seal writes itself: {@code COPY} (the default) gives the
     * copy the source's tags (read from the upstream when its HEAD counts some) in place of any
     * {@code x-amz-tagging} of the request; {@code REPLACE} keeps the request's.
     */
    static Mono<Map<String, List<String>>> withTagging(
            CarriedObjectSettings settings,
            S3Request request,
            CopySourceObject source,
            Map<String, List<String>> headers,
            DataBufferFactory factory) {
        String directive = request.header("x-amz-tagging-directive");
        if (directive != null && directive.trim().equalsIgnoreCase("REPLACE")) {
            return Mono.just(headers);
        }
        Map<String, List<String>> copied = new LinkedHashMap<>(headers);
        copied.remove("x-amz-tagging");
        return settings.tags(source.source().bucket(), source.source().key(), source.stored(), factory)
                .map(tags -> {
                    copied.putAll(tags);
                    return copied;
                });
    }

    /**
     * S3 refuses to copy an object onto itself unless something changes (metadata, storage class,
     * website redirect, encryption).
     */
    static void refuseUnchangedSelfCopy(S3Request request, dev.s3seal.s3.CopySource source) {
        boolean self = source.bucket().equals(request.bucket())
                && source.key().equals(request.key())
                && source.versionId() == null;
        boolean changes = replaces(request)
                || request.header("x-amz-storage-class") != null
                || request.header("x-amz-website-redirect-location") != null
                || request.header("x-amz-server-side-encryption") != null;
        if (self && !changes) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "This copy request is illegal because it is trying to "
                            + "copy an object to itself without changing the object's metadata, storage class, website "
                            + "redirect location or encryption attributes.");
        }
    }
}
