package dev.s3seal.web.forward;

import dev.s3seal.policy.Operation;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.xml.DeleteObjectsRequest;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.envelope.PlaintextEtags;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.exchange.VerifiedBody;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DeleteObjects names its keys in the body, so the policy is applied to each of them: one
 * denied key refuses the whole request (S3 semantics would report per key; refusing is the safe
 * reading of a deny rule). The document is small and joined with a hard cap, read strictly
 * ({@link DeleteObjectsRequest}) and written again for the upstream from that reading.
 */
public final class DeleteObjectsHandler implements S3OperationHandler {

    /** 1000 keys of 1024 bytes plus markup. */
    private static final int MAX_BODY_BYTES = 2 * 1024 * 1024;

    private final UpstreamClient upstream;
    private final PolicyHolder policy;

    public DeleteObjectsHandler(UpstreamClient upstream, PolicyHolder policy) {
        this.upstream = upstream;
        this.policy = policy;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        S3Request request = exchange.request();
        VerifiedBody body = VerifiedBody.of(exchange);
        if (body.length() > MAX_BODY_BYTES) {
            return Mono.error(new S3Exception(S3ErrorCode.MAX_MESSAGE_LENGTH_EXCEEDED));
        }
        return DataBufferUtils.join(body.content(), MAX_BODY_BYTES)
                .defaultIfEmpty(
                        exchange.exchange().getResponse().bufferFactory().wrap(new byte[0]))
                .flatMap(joined -> {
                    byte[] received = new byte[joined.readableByteCount()];
                    joined.read(received);
                    DataBufferUtils.release(joined);
                    DeleteObjectsRequest parsed = DeleteObjectsRequest.parse(received);
                    for (DeleteObjectsRequest.ObjectIdentifier object : parsed.objects()) {
                        if (policy.decide(
                                        exchange.auth().client().name(),
                                        request.bucket(),
                                        object.key(),
                                        Operation.DELETE)
                                .denied()) {
                            return Mono.error(new S3Exception(S3ErrorCode.ACCESS_DENIED));
                        }
                    }
                    // the upstream deletes what s3seal checked: the body is written again from the parse
                    byte[] xml = parsed.toXml();
                    Map<String, List<String>> headers = new LinkedHashMap<>(
                            ForwardedHeaders.toUpstream(request.headers(), body.declaresTrailerChecksum()));
                    headers.keySet()
                            .removeIf(n -> n.startsWith("x-amz-checksum-")
                                    || n.equals("x-amz-sdk-checksum-algorithm")
                                    || n.equals("content-md5")
                                    || n.equals("content-type"));
                    // S3 requires an integrity header on DeleteObjects; s3seal wrote the body, so it supplies one.
                    headers.put(
                            "content-md5",
                            List.of(Base64.getEncoder()
                                    .encodeToString(PlaintextEtags.md5().digest(xml))));
                    headers.put("content-type", List.of("application/xml"));
                    UpstreamRequest delete =
                            new UpstreamRequest("POST", request.bucket(), null, request.query(), headers, xml.length);
                    DataBuffer content =
                            exchange.exchange().getResponse().bufferFactory().wrap(xml);
                    return ForwardHandler.send(upstream, exchange, delete, Flux.just(content));
                });
    }
}
