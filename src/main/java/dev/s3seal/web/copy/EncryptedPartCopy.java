package dev.s3seal.web.copy;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.CopySourceRange;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.EncryptOperator;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.ObjectContexts;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.envelope.PlaintextFacts;
import dev.s3seal.web.exchange.KeyFailures;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.SmallExchanges;
import dev.s3seal.web.multipart.EncryptedMultipartHandler;
import dev.s3seal.web.multipart.MultipartUploadId;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * UploadPartCopy whose source or destination upload is client-side encrypted: the source's bytes
 * (the {@code x-amz-copy-source-range} slice, decrypted and authenticated when s3seal encrypted
 * the source) stream into an upstream UploadPart. Into an s3seal upload the part is encrypted as
 * part {@code k} under the upload's data key, which the upload id carries (docs/format.md 6.1);
 * into a plain upload it is sent as it is. The part's plaintext size is what the completion's
 * layout check sees, exactly as for UploadPart.
 */
final class EncryptedPartCopy {

    private final UpstreamClient upstream;
    private final CopySourceReader reader;

    EncryptedPartCopy(UpstreamClient upstream, CopySourceReader reader) {
        this.upstream = upstream;
        this.reader = reader;
    }

    Mono<SmallExchanges.Answer> copy(ProxyExchange exchange, CopySourceObject source, ObjectKeys keys) {
        S3Request request = exchange.request();
        int partNumber = EncryptedMultipartHandler.partNumber(request.query().first("partNumber"));
        long[] range = range(request.header("x-amz-copy-source-range"), source.plaintextLength());
        long length = range[1] - range[0] + 1;
        DataBufferFactory factory = exchange.exchange().getResponse().bufferFactory();
        Flux<DataBuffer> plaintext = length == 0 ? Flux.empty() : reader.plaintext(source, range[0], range[1], factory);
        Map<String, List<String>> headers = partHeaders(request);
        if (!exchange.decision().encryptsBody()) {
            UpstreamRequest put =
                    new UpstreamRequest("PUT", request.bucket(), request.key(), request.query(), headers, length);
            return send(put, plaintext, source, null);
        }
        MultipartUploadId id = MultipartUploadId.decode(request.query().first("uploadId"));
        return uploadKey(request, id, keys).flatMap(dataKey -> {
            EncryptOperator encrypt;
            try {
                encrypt = new EncryptOperator(
                        SegmentEncryptor.forPart(dataKey, id.segmentSize(), partNumber, length), factory);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
            UpstreamRequest put = new UpstreamRequest(
                    "PUT",
                    request.bucket(),
                    request.key(),
                    EncryptedMultipartHandler.upstreamQuery(request, id.upstreamId()),
                    headers,
                    CiphertextSizes.ciphertextLength(length, id.segmentSize()));
            // answered with the part's plaintext MD5, as UploadPart is (the completion accepts either)
            MessageDigest md5 = PlaintextEtags.md5();
            return send(
                    put,
                    PlaintextEtags.digesting(plaintext, md5).transform(encrypt),
                    source,
                    () -> PlaintextEtags.quoted(md5.digest()));
        });
    }

    /** The upload's data key, unwrapped for this bucket and key: a tampered or transplanted id fails here. */
    private static Mono<byte[]> uploadKey(S3Request request, MultipartUploadId id, ObjectKeys keys) {
        WrappedKey wrapped = id.wrappedKey();
        KeyContext context =
                ObjectContexts.forRead(keys, request.bucket(), request.key(), wrapped.keyId(), id.context());
        return Mono.defer(() -> keys.reader(wrapped).unwrap(wrapped, context)).onErrorMap(KeyFailures::toS3);
    }

    /**
     * Sends the part; answers CopyPartResult with {@code clientEtag} (after the body went), or the
     * upstream's part ETag when null.
     */
    private Mono<SmallExchanges.Answer> send(
            UpstreamRequest put,
            Flux<DataBuffer> body,
            CopySourceObject source,
            java.util.function.Supplier<String> clientEtag) {
        return new SmallExchanges(upstream).send(put, body).map(answer -> {
            String etag = answer.response().headers().getFirst("etag");
            if (!answer.isSuccess() || etag == null) {
                return answer;
            }
            return CopyResults.part(source, answer.response(), clientEtag == null ? etag : clientEtag.get());
        });
    }

    /** The client's headers for the upstream UploadPart: no copy headers, no checksums of the client's. */
    private static Map<String, List<String>> partHeaders(S3Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ForwardedHeaders.toUpstream(request.headers(), false).forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("x-amz-copy-source")
                    && !PlaintextFacts.describesBody(lower)
                    && !lower.equals("x-amz-metadata-directive")) {
                headers.put(lower, values);
            }
        });
        return headers;
    }

    /** {@code x-amz-copy-source-range} against the source's plaintext size; absent = the whole source. */
    static long[] range(String header, long sourceLength) {
        CopySourceRange requested = CopySourceRange.parse(header);
        long[] range =
                requested == null ? new long[] {0, sourceLength - 1} : new long[] {requested.first(), requested.last()};
        if (requested != null && range[1] < range[0]) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "The specified copy range is invalid for the " + "source object size");
        }
        if (requested != null && range[1] >= sourceLength) {
            // S3's answer for a range that reaches past the source's end
            throw new S3Exception(S3ErrorCode.INVALID_RANGE, "The requested range is not satisfiable");
        }
        if (range[1] - range[0] + 1 > CopySource.MAX_BYTES) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The specified copy source is larger than the maximum " + "allowable size for a copy source: "
                            + CopySource.MAX_BYTES);
        }
        return range;
    }
}
