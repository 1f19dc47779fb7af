package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.SmallCalls;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.xml.StrictXml;
import dev.s3seal.stream.EncryptOperator;
import dev.s3seal.upstream.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A large object's rewrite as a multipart upload in s3seal's multipart format (docs/format.md 6): parts of a fixed
 * plaintext size (a multiple of the segment size, at least S3's 5 MiB), each read with a ranged GET pinned to the
 * object's ETag and encrypted on its way into UploadPart under its part key. Unlike a client's upload through the
 * proxy, the part layout is known before the upload starts, so the final envelope (plaintext length, part count,
 * sealed manifest) is set at CreateMultipartUpload and no seal self-copy is needed. The completion is pinned to the
 * ETag with {@code If-Match}; a failed rewrite aborts its upload.
 */
public final class MultipartRewrite {

    /** S3's smallest part but the last. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    private static final int MAX_PARTS = 10_000;

    private final PinnedTransfers io;
    private final SmallCalls small;
    private final long partSize;

    MultipartRewrite(PinnedTransfers transfers, SmallCalls small, long partSize) {
        this.io = transfers;
        this.small = small;
        this.partSize = partSize;
    }

    /** The plaintext length of every part of an object of {@code length} bytes: equal parts, the last one shorter. */
    static long[] partLengths(long length, long requestedPartSize, int segmentSize) {
        long size = Math.max(requestedPartSize, MIN_PART_SIZE);
        size = Math.max(size, (length + MAX_PARTS - 1) / MAX_PARTS);
        size = (size + segmentSize - 1) / segmentSize * segmentSize;
        int count = (int) Math.max(1, (length + size - 1) / size);
        long[] parts = new long[count];
        for (int i = 0; i < count; i++) {
            parts[i] = Math.min(size, length - i * size);
        }
        return parts;
    }

    Mono<Void> rewrite(RewriteSource source, DataKey dataKey, KeyContext context, int segmentSize) {
        long[] parts = partLengths(source.stored().length(), partSize, segmentSize);
        MultipartManifest manifest = MultipartManifest.of(parts, segmentSize);
        EnvelopeMetadata envelope = RewriteSource.envelope(
                dataKey,
                context,
                source.stored().length(),
                segmentSize,
                null,
                parts.length,
                manifest.seal(dataKey.plaintext()));
        Map<String, List<String>> headers = new LinkedHashMap<>(source.objectHeaders());
        envelope.toHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        UpstreamRequest create = new UpstreamRequest(
                "POST", source.bucket(), source.key(), QueryParameters.empty().with("uploads", null), headers, -1);
        return small.call(create).flatMap(answer -> {
            if (!answer.isSuccess()) {
                return Mono.error(new PinnedTransfers.StoreRefused("CreateMultipartUpload", answer.status()));
            }
            String uploadId = uploadId(answer.body());
            return uploadParts(source, dataKey, segmentSize, parts, uploadId)
                    .flatMap(etags -> complete(source, uploadId, etags))
                    .onErrorResume(error -> abort(source, uploadId).then(Mono.error(error)));
        });
    }

    private Mono<List<String>> uploadParts(
            RewriteSource source, DataKey dataKey, int segmentSize, long[] parts, String uploadId) {
        List<String> etags = new ArrayList<>(parts.length);
        // one part after another: memory stays one segment per object, however many parts
        return Flux.range(1, parts.length)
                .concatMap(partNumber -> {
                    long offset = (partNumber - 1) * parts[0];
                    long length = parts[partNumber - 1];
                    String range = "bytes=" + offset + "-" + (offset + length - 1);
                    UpstreamRequest upload = new UpstreamRequest(
                            "PUT",
                            source.bucket(),
                            source.key(),
                            QueryParameters.empty()
                                    .with("partNumber", Integer.toString(partNumber))
                                    .with("uploadId", uploadId),
                            Map.of(),
                            CiphertextSizes.ciphertextLength(length, segmentSize));
                    return io.read(source, range, body -> {
                        EncryptOperator encrypt = new EncryptOperator(
                                SegmentEncryptor.forPart(dataKey.plaintext(), segmentSize, partNumber, length),
                                RewriteSource.BUFFERS);
                        return io.write(upload, body.transform(encrypt))
                                .doOnNext(etags::add)
                                .then();
                    });
                })
                .then(Mono.fromSupplier(() -> etags));
    }

    private Mono<Void> complete(RewriteSource source, String uploadId, List<String> etags) {
        StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
        for (int i = 0; i < etags.size(); i++) {
            xml.append("<Part><PartNumber>")
                    .append(i + 1)
                    .append("</PartNumber><ETag>")
                    .append(StrictXml.text(etags.get(i)))
                    .append("</ETag></Part>");
        }
        byte[] body = xml.append("</CompleteMultipartUpload>").toString().getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers =
                Map.of("if-match", List.of(source.stored().etag()), "content-type", List.of("application/xml"));
        UpstreamRequest completion = new UpstreamRequest(
                "POST",
                source.bucket(),
                source.key(),
                QueryParameters.empty().with("uploadId", uploadId),
                headers,
                body.length);
        return small.call(completion, Flux.just(RewriteSource.BUFFERS.wrap(body)))
                .flatMap(answer -> {
                    // S3 may answer 200 with an error document once it started completing
                    if (PinnedTransfers.ObjectChanged.isChange(answer.status())
                            || "PreconditionFailed".equals(answer.errorCode())) {
                        return Mono.error(
                                new PinnedTransfers.ObjectChanged("CompleteMultipartUpload", answer.status()));
                    }
                    if (!answer.isSuccess() || !answer.errorCode().isEmpty()) {
                        return Mono.error(new PinnedTransfers.StoreRefused("CompleteMultipartUpload", answer.status()));
                    }
                    return Mono.empty();
                });
    }

    private Mono<Void> abort(RewriteSource source, String uploadId) {
        UpstreamRequest abort = new UpstreamRequest(
                "DELETE",
                source.bucket(),
                source.key(),
                QueryParameters.empty().with("uploadId", uploadId),
                Map.of(),
                -1);
        return small.call(abort).then().onErrorResume(ignored -> Mono.empty());
    }

    private static String uploadId(byte[] xml) {
        try {
            return StrictXml.read(xml, "InitiateMultipartUploadResult")
                    .one("UploadId")
                    .leafText();
        } catch (S3Exception malformed) {
            throw new PinnedTransfers.StoreRefused("the store's CreateMultipartUpload answer has no upload id");
        }
    }
}
