package dev.s3seal.web.multipart;

import dev.s3seal.auth.payload.FlexibleChecksum;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.SealedChecksum;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.xml.Xml;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.upstream.UpstreamResponse;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.envelope.EnvelopeHeaders;
import dev.s3seal.web.envelope.PlaintextChecksums;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SealResponse;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.exchange.VerifiedBody;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * CompleteMultipartUpload under a client-side mode (docs/format.md 6.2, 6.3): the client's part
 * list is checked against the stored parts for a regular layout (else 400 InvalidRequest, upload
 * left open), completed upstream, then sealed; the client hears success only after the seal.
 */
final class MultipartCompletion {

    private static final int MAX_LIST_PAGES = 20;

    /** S3's smallest part, except the last. */
    static final long MIN_PART_BYTES = 5L * 1024 * 1024;

    private final SmallExchanges small;
    private final MultipartSeal seal;
    private final CompletionConditions conditions;
    private final InterruptedSeal interrupted;
    private final SealResponse sealResponse;

    MultipartCompletion(SmallExchanges small, SealResponse sealResponse) {
        this.small = small;
        this.sealResponse = sealResponse;
        this.seal = new MultipartSeal(small);
        this.conditions = new CompletionConditions(small);
        this.interrupted = new InterruptedSeal(small);
    }

    /** {@code keys} read the destination's ETag when the client's completion is conditional. */
    Mono<Void> complete(ProxyExchange exchange, MultipartUploadId id, byte[] dataKey, ObjectKeys keys) {
        S3Request request = exchange.request();
        DataBufferFactory factory = exchange.exchange().getResponse().bufferFactory();
        VerifiedBody body = VerifiedBody.of(exchange);
        return DataBufferUtils.join(body.content(), MultipartXml.MAX_COMPLETE_BYTES)
                .onErrorMap(
                        DataBufferLimitException.class, e -> new S3Exception(S3ErrorCode.MAX_MESSAGE_LENGTH_EXCEEDED))
                .map(joined -> {
                    byte[] xml = new byte[joined.readableByteCount()];
                    joined.read(xml);
                    DataBufferUtils.release(joined);
                    return MultipartXml.clientParts(xml);
                })
                .switchIfEmpty(Mono.error(() -> new S3Exception(S3ErrorCode.MALFORMED_XML)))
                .flatMap(parts -> {
                    checkOrder(parts);
                    return storedSizes(request, id.upstreamId(), factory)
                            .flatMap(stored -> {
                                MultipartManifest manifest = manifest(parts, stored, id.segmentSize());
                                // refused (a part's checksum missing) before anything completes upstream
                                Optional<FlexibleChecksum> checksum = objectChecksum(id, parts, manifest);
                                checksum.ifPresent(value -> checkDeclared(request, id.checksum(), value, manifest));
                                // the conditions are evaluated once the upload is known to complete,
                                // and before anything replaces the destination
                                return conditions
                                        .check(exchange, keys, factory)
                                        .flatMap(pin ->
                                                completeUpstream(exchange, id, asStored(parts, stored), pin, factory))
                                        .map(answer -> new Completed(manifest, checksum, answer));
                            })
                            // S3 forgets a completed upload (NoSuchUpload), S3Proxy lists it empty (InvalidPart):
                            // a retry after a lost answer (sealed) or after an interrupted seal (pending)
                            .onErrorResume(
                                    S3Exception.class,
                                    e -> e.errorCode() == S3ErrorCode.NO_SUCH_UPLOAD
                                                    || e.errorCode() == S3ErrorCode.INVALID_PART
                                            ? alreadySealed(exchange, id, parts.size(), factory)
                                                    .then(sealNotFinished(exchange, id, parts, factory))
                                                    .switchIfEmpty(Mono.error(e))
                                            : Mono.error(e))
                            .flatMap(completed -> {
                                MultipartManifest manifest = completed.manifest();
                                Optional<FlexibleChecksum> checksum = completed.checksum();
                                SmallExchanges.Answer answer = completed.answer();
                                if (answer.isErrorDocument()) {
                                    return SmallExchanges.write(exchange, answer.response(), answer.body());
                                }
                                byte[] sealedChecksum = checksum.map(value -> PlaintextChecksums.sealMultipart(
                                                dataKey,
                                                value,
                                                id.checksum().type(),
                                                manifest.totalPlaintextLength(),
                                                manifest.partCount()))
                                        .orElse(null);
                                Mono<SmallExchanges.Answer> sealed = seal.seal(
                                                exchange, id, manifest, manifest.seal(dataKey), sealedChecksum)
                                        .map(result -> checksum.isPresent() && !result.isErrorDocument()
                                                ? withChecksum(result, id.checksum(), checksum.get(), manifest)
                                                : result);
                                return sealResponse.answer(exchange, sealed);
                            });
                })
                .onErrorResume(AlreadyAnswered.class, answered -> Mono.empty())
                .doFinally(signal -> Arrays.fill(dataKey, (byte) 0));
    }

    /** An upstream completion's answer with what the seal writes: the manifest and the object's checksum. */
    private record Completed(
            MultipartManifest manifest, Optional<FlexibleChecksum> checksum, SmallExchanges.Answer answer) {}

    /**
     * The object's checksum from the part checksums the client listed, when the upload was created
     * with an algorithm (S3 stores none otherwise). S3 checks each listed value against the part it
     * stored; s3seal verified each part's checksum as it arrived but keeps no state between requests,
     * so it takes the listed values as the client's (a wrong one only makes the client's own object's
     * checksum wrong, as a wrong body would). A composite upload needs every part's value (S3's
     * InvalidRequest otherwise); a full-object one without them ends without a checksum.
     */
    static Optional<FlexibleChecksum> objectChecksum(
            MultipartUploadId id, List<MultipartXml.Part> parts, MultipartManifest manifest) {
        UploadChecksum upload = id.checksum();
        if (upload == null) {
            return Optional.empty();
        }
        List<FlexibleChecksum> values = new ArrayList<>(parts.size());
        long[] lengths = new long[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            MultipartXml.Part part = parts.get(i);
            Optional<String> listed = part.checksum(upload.algorithm());
            if (listed.isEmpty()) {
                if (upload.type() == SealedChecksum.Type.FULL_OBJECT) {
                    return Optional.empty();
                }
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "The upload was created using a "
                                + upload.algorithm().name().toLowerCase(Locale.ROOT)
                                + " checksum. The complete request must include the checksum for each part. It was"
                                + " missing for part " + part.number() + " in the request.");
            }
            values.add(FlexibleChecksum.parse(upload.algorithm(), listed.get()));
            lengths[i] = manifest.partLength(part.number());
        }
        return Optional.of(upload.of(values, lengths));
    }

    /**
     * The whole-object checksum a client may send on the completion ({@code x-amz-checksum-<alg>}: the
     * composite {@code base64-N} or the full-object value) must be the one the parts give, as S3 checks
     * it ({@code BadDigest} otherwise); checked before anything completes upstream.
     */
    private static void checkDeclared(
            S3Request request, UploadChecksum upload, FlexibleChecksum checksum, MultipartManifest manifest) {
        String declared = request.header(upload.algorithm().headerName());
        if (declared != null && !declared.strip().equals(answered(upload, checksum, manifest))) {
            throw new S3Exception(
                    S3ErrorCode.BAD_DIGEST,
                    "The " + upload.algorithm().name().toLowerCase(Locale.ROOT)
                            + " you specified did not match the calculated checksum.");
        }
    }

    /** The object's checksum as S3 writes it: a composite one with {@code -N}. */
    private static String answered(UploadChecksum upload, FlexibleChecksum checksum, MultipartManifest manifest) {
        return upload.type() == SealedChecksum.Type.COMPOSITE
                ? checksum.base64() + "-" + manifest.partCount()
                : checksum.base64();
    }

    /** The final completion's answer with the object's checksum, as S3 writes it (composite: {@code -N}). */
    private static SmallExchanges.Answer withChecksum(
            SmallExchanges.Answer answer,
            UploadChecksum upload,
            FlexibleChecksum checksum,
            MultipartManifest manifest) {
        return new SmallExchanges.Answer(
                answer.response(),
                MultipartXml.withChecksum(
                        answer.body(),
                        upload.algorithm(),
                        answered(upload, checksum, manifest),
                        upload.type().name()));
    }

    /**
     * A retried completion whose first attempt sealed the object (its response was lost): the object
     * carries this upload's key and a manifest of as many parts, so the client hears success again,
     * as S3 answers a repeated completion. Completes empty (NoSuchUpload stands) otherwise.
     */
    private Mono<Void> alreadySealed(
            ProxyExchange exchange, MultipartUploadId id, int partCount, DataBufferFactory factory) {
        S3Request request = exchange.request();
        UpstreamRequest head = new UpstreamRequest(
                "HEAD",
                request.bucket(),
                request.key(),
                QueryParameters.empty(),
                CustomerKeyHeaders.carried(request.headers()),
                -1);
        return small.call(head, null, factory).flatMap(answer -> {
            EnvelopeMetadata envelope;
            try {
                envelope = answer.isSuccess()
                        ? EnvelopeHeaders.read(answer.response().headers())
                        : null;
            } catch (IllegalArgumentException malformed) {
                envelope = null;
            }
            String etag = answer.response().headers().getFirst("etag");
            if (envelope == null
                    || envelope.manifest() == null
                    || etag == null
                    || !Arrays.equals(envelope.wrappedKey(), id.wrappedKey().ciphertext())
                    || envelope.partCount() == null
                    || envelope.partCount() != partCount) {
                return Mono.empty();
            }
            byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult "
                            + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>"
                            + Xml.escape(request.bucket())
                            + "</Bucket><Key>" + Xml.escape(request.key()) + "</Key><ETag>" + Xml.escape(etag)
                            + "</ETag></CompleteMultipartUploadResult>")
                    .getBytes(StandardCharsets.UTF_8);
            ServerHttpResponse client = exchange.exchange().getResponse();
            client.setStatusCode(HttpStatusCode.valueOf(200));
            client.getHeaders().setContentType(MediaType.APPLICATION_XML);
            client.getHeaders().setContentLength(xml.length);
            return client.writeWith(
                            Mono.fromSupplier(() -> client.bufferFactory().wrap(xml)))
                    .then(Mono.error(new AlreadyAnswered()));
        });
    }

    /**
     * A retried completion whose upload the upstream completed but s3seal never sealed: the manifest
     * read back from the pending object ({@link InterruptedSeal}), to be sealed as a first completion
     * would; empty when the object at the key is not this upload's pending object.
     */
    private Mono<Completed> sealNotFinished(
            ProxyExchange exchange, MultipartUploadId id, List<MultipartXml.Part> parts, DataBufferFactory factory) {
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).number() != i + 1) {
                return Mono.empty();
            }
        }
        return interrupted
                .manifest(exchange.request(), id, parts.size(), factory)
                .map(manifest ->
                        new Completed(manifest, objectChecksum(id, parts, manifest), COMPLETED_UPSTREAM_EARLIER));
    }

    /** Stands for the upstream's answer to the first completion, which was a success (the object exists). */
    private static final SmallExchanges.Answer COMPLETED_UPSTREAM_EARLIER =
            new SmallExchanges.Answer(new UpstreamResponse(200, new HttpHeaders()), new byte[0]);

    /** Ends a completion that was answered with success; never reaches the error responder. */
    static final class AlreadyAnswered extends RuntimeException {
        AlreadyAnswered() {
            super(null, null, false, false);
        }
    }

    private static void checkOrder(List<MultipartXml.Part> parts) {
        for (int i = 1; i < parts.size(); i++) {
            if (parts.get(i).number() <= parts.get(i - 1).number()) {
                throw new S3Exception(S3ErrorCode.INVALID_PART_ORDER);
            }
        }
    }

    /** s3seal's own rule, checked after every error S3 would answer first (InvalidPart, EntityTooSmall). */
    private static void checkNumbering(List<MultipartXml.Part> parts, int segmentSize) {
        for (int i = 0; i < parts.size(); i++) {
            int number = parts.get(i).number();
            if (number != i + 1) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "s3seal: the parts of an upload must be numbered "
                                + "1 to N without gaps; every part except the last must be a multiple of " + segmentSize
                                + " bytes (use a part size such as 8 MiB)");
            }
        }
    }

    /** The client's parts as the upstream stored them: its ETags (the client may know only plaintext MD5s). */
    private static List<MultipartXml.Part> asStored(
            List<MultipartXml.Part> parts, Map<Integer, MultipartXml.Part> stored) {
        return parts.stream().map(part -> stored.get(part.number())).toList();
    }

    /**
     * The regular layout's manifest (the upload stays open on every refusal), checked in S3's order
     * first: a part never uploaded (InvalidPart), a part other than the last under 5 MiB
     * (EntityTooSmall); then s3seal's layout: parts 1 to N (400 InvalidRequest), each but the last a
     * multiple of the segment size (400 InvalidRequest).
     */
    private static MultipartManifest manifest(
            List<MultipartXml.Part> parts, Map<Integer, MultipartXml.Part> stored, int segmentSize) {
        long[] lengths = new long[parts.size()];
        for (int i = 0; i < lengths.length; i++) {
            MultipartXml.Part part = stored.get(parts.get(i).number());
            if (part == null || !acceptedEtag(part.etag(), parts.get(i).etag())) {
                throw new S3Exception(S3ErrorCode.INVALID_PART);
            }
            try {
                lengths[i] = CiphertextSizes.plaintextLength(part.size(), segmentSize);
            } catch (IllegalArgumentException notOurs) {
                throw new S3Exception(S3ErrorCode.INVALID_PART);
            }
        }
        for (int i = 0; i < lengths.length - 1; i++) {
            if (lengths[i] < MIN_PART_BYTES) {
                throw new S3Exception(S3ErrorCode.ENTITY_TOO_SMALL);
            }
        }
        checkNumbering(parts, segmentSize);
        try {
            return MultipartManifest.of(lengths, segmentSize);
        } catch (IllegalArgumentException irregular) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "s3seal: every part except the last must be a " + "multiple of " + segmentSize
                            + " bytes (use a part size such as 8 MiB)");
        }
    }

    /**
     * The client's ETag for a stored part: the plaintext MD5 s3seal answered UploadPart with (it
     * cannot be checked against the stored ciphertext part: parts are matched by number, the format
     * authenticates each part's number and the manifest their lengths), or the upstream's own.
     */
    private static boolean acceptedEtag(String stored, String client) {
        return sameEtag(stored, client) || PlaintextEtags.isMd5(client);
    }

    private static boolean sameEtag(String a, String b) {
        return a != null
                && b != null
                && a.replace("\"", "").trim().equals(b.replace("\"", "").trim());
    }

    /** Every stored part (ListParts, following pages), by part number. */
    private Mono<Map<Integer, MultipartXml.Part>> storedSizes(
            S3Request request, String upstreamId, DataBufferFactory factory) {
        Map<Integer, MultipartXml.Part> parts = new HashMap<>();
        return listPage(request, upstreamId, null, parts, factory, 0).thenReturn(parts);
    }

    private Mono<Void> listPage(
            S3Request request,
            String upstreamId,
            String marker,
            Map<Integer, MultipartXml.Part> into,
            DataBufferFactory factory,
            int page) {
        QueryParameters query = QueryParameters.empty().with("uploadId", upstreamId);
        if (marker != null) {
            query = query.with("part-number-marker", marker);
        }
        return small.call(
                        new UpstreamRequest("GET", request.bucket(), request.key(), query, Map.of(), -1), null, factory)
                .flatMap(answer -> {
                    if (!answer.isSuccess()) {
                        return Mono.error(upstreamRefusal(answer));
                    }
                    MultipartXml.Document document;
                    try {
                        document = MultipartXml.parse(answer.body());
                    } catch (IllegalArgumentException malformed) {
                        return Mono.error(new S3Exception(
                                S3ErrorCode.INTERNAL_ERROR, "The upstream part list could not be read.", malformed));
                    }
                    document.parts().forEach(part -> into.put(part.number(), part));
                    String next = document.field("NextPartNumberMarker");
                    if ("true".equals(document.field("IsTruncated")) && next != null && page < MAX_LIST_PAGES) {
                        return listPage(request, upstreamId, next, into, factory, page + 1);
                    }
                    return Mono.empty();
                });
    }

    private Mono<SmallExchanges.Answer> completeUpstream(
            ProxyExchange exchange,
            MultipartUploadId id,
            List<MultipartXml.Part> parts,
            Map<String, List<String>> pin,
            DataBufferFactory factory) {
        S3Request request = exchange.request();
        byte[] body = MultipartXml.completeBody(new ArrayList<>(parts));
        // the client's x-amz-checksum-* describe the plaintext object; the stored one is ciphertext.
        // S3 wants an SSE-C upload's key on its completion too (S3Proxy always)
        Map<String, List<String>> headers = new LinkedHashMap<>(CustomerKeyHeaders.carried(request.headers()));
        headers.putAll(pin);
        headers.put("content-type", List.of("application/xml"));
        return small.call(
                SmallExchanges.request(
                        "POST",
                        request.bucket(),
                        request.key(),
                        QueryParameters.empty().with("uploadId", id.upstreamId()),
                        headers,
                        body),
                body,
                factory);
    }

    /** An upstream refusal of ListParts, as the client would have heard it (usually NoSuchUpload). */
    static S3Exception upstreamRefusal(SmallExchanges.Answer answer) {
        int status = answer.response().status();
        if (status == 404) {
            return new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD);
        }
        if (status == 403) {
            return new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        if (status == 503) {
            return new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
        return new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream refused to list the parts (" + status + ").");
    }
}
