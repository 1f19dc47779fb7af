package dev.s3seal.web.multipart;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.FormatHeader;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3Request;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.exchange.SmallExchanges;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Mono;

/**
 * A retried completion of an upload whose first completion reached the upstream but whose seal never
 * ran to its end (the replica was killed, or the seal failed after the upstream completed). The
 * upstream has forgotten the upload (NoSuchUpload, or InvalidPart on S3Proxy), so its part list is
 * gone; the object at the key is still pending under this upload's wrapped key, which reads refuse.
 * The part lengths are read back from the part headers themselves (each part starts with one and
 * carries its length, docs/format.md 6.1), so the seal can run now and the client's retry succeeds
 * as a retried completion does on S3.
 *
 * <p>The lengths come from stored, not yet authenticated bytes; that is safe because every part's
 * header is the associated data of each of its segments: a header edited at rest makes the part's
 * segments fail their tags when read, whatever manifest was sealed. The walk also checks what it can
 * before sealing: part numbers 1 to N in order, the upload's segment size, lengths that add up to
 * exactly the stored length, and the regular layout the manifest requires.
 */
final class InterruptedSeal {

    private final SmallExchanges small;

    InterruptedSeal(SmallExchanges small) {
        this.small = small;
    }

    /**
     * The manifest of the pending object at the request's key if it is this upload's, with the
     * {@code partCount} parts the client's retried completion names; empty otherwise.
     */
    Mono<MultipartManifest> manifest(
            S3Request request, MultipartUploadId id, int partCount, DataBufferFactory factory) {
        Map<String, List<String>> customerKey = CustomerKeyHeaders.carried(request.headers());
        UpstreamRequest head =
                new UpstreamRequest("HEAD", request.bucket(), request.key(), QueryParameters.empty(), customerKey, -1);
        return small.call(head, null, factory).flatMap(answer -> {
            long stored = answer.response().headers().getContentLength();
            if (!answer.isSuccess() || !pendingOf(answer, id) || stored <= 0) {
                return Mono.empty();
            }
            String etag = answer.response().headers().getFirst("etag");
            return partLengths(request, id, partCount, stored, etag, customerKey, factory)
                    .flatMap(lengths -> {
                        try {
                            return Mono.just(MultipartManifest.of(lengths, id.segmentSize()));
                        } catch (IllegalArgumentException irregular) {
                            return Mono.empty();
                        }
                    });
        });
    }

    private static boolean pendingOf(SmallExchanges.Answer answer, MultipartUploadId id) {
        try {
            EnvelopeMetadata envelope = EnvelopeHeaders.read(answer.response().headers());
            return envelope != null
                    && envelope.isPending()
                    && Arrays.equals(envelope.wrappedKey(), id.wrappedKey().ciphertext());
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** Reads the header of each part in turn (one small ranged GET each, pinned to the object read). */
    private Mono<long[]> partLengths(
            S3Request request,
            MultipartUploadId id,
            int partCount,
            long stored,
            String etag,
            Map<String, List<String>> customerKey,
            DataBufferFactory factory) {
        long[] lengths = new long[partCount];
        return walk(request, id, lengths, 0, 0, stored, etag, customerKey, factory);
    }

    private Mono<long[]> walk(
            S3Request request,
            MultipartUploadId id,
            long[] lengths,
            int index,
            long offset,
            long stored,
            String etag,
            Map<String, List<String>> customerKey,
            DataBufferFactory factory) {
        if (index == lengths.length) {
            return offset == stored ? Mono.just(lengths) : Mono.empty();
        }
        if (offset + ObjectFormat.HEADER_LENGTH > stored) {
            return Mono.empty();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>(customerKey);
        headers.put("range", List.of("bytes=" + offset + "-" + (offset + ObjectFormat.HEADER_LENGTH - 1)));
        if (etag != null) {
            headers.put("if-match", List.of(etag));
        }
        UpstreamRequest get =
                new UpstreamRequest("GET", request.bucket(), request.key(), QueryParameters.empty(), headers, -1);
        return small.call(get, null, factory).flatMap(answer -> {
            if (answer.response().status() != 206 || answer.body().length != ObjectFormat.HEADER_LENGTH) {
                return Mono.empty();
            }
            FormatHeader header;
            try {
                header = FormatHeader.parse(answer.body(), 0);
            } catch (AuthenticationFailedException malformed) {
                return Mono.empty();
            }
            if (header.partNumber() != index + 1 || header.segmentSize() != id.segmentSize()) {
                return Mono.empty();
            }
            lengths[index] = header.plaintextLength();
            long next = offset + CiphertextSizes.ciphertextLength(header.plaintextLength(), id.segmentSize());
            return walk(request, id, lengths, index + 1, next, stored, etag, customerKey, factory);
        });
    }
}
