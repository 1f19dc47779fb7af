package dev.s3seal.web.exchange;

import dev.s3seal.auth.payload.PayloadVerifier;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.stream.VerifiedBodyOperator;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/**
 * The client's body after de-framing and verification, with the length it declared and the flexible
 * checksum it declared ({@link BodyChecksum#verified()} once {@code content} completed).
 */
public record VerifiedBody(
        Flux<DataBuffer> content, long length, boolean declaresTrailerChecksum, BodyChecksum checksum) {

    public static VerifiedBody of(ProxyExchange exchange) {
        S3Request request = exchange.request();
        boolean hasBody = "PUT".equals(request.method())
                || "POST".equals(request.method())
                || request.header("content-length") != null
                || request.header("transfer-encoding") != null;
        if (!hasBody) {
            return new VerifiedBody(Flux.empty(), -1, false, BodyChecksum.NONE);
        }
        PayloadVerifier verifier = PayloadVerifier.forRequest(
                exchange.auth(), WholeObjectChecksums.bodyHeaders(exchange.operation(), request.headers()));
        long length = verifier.decodedLength();
        if (length < 0) {
            if (request.header("transfer-encoding") != null) {
                throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH);
            }
            length = 0;
        }
        var bufferFactory = exchange.exchange().getResponse().bufferFactory();
        Flux<DataBuffer> content =
                exchange.exchange().getRequest().getBody().transform(new VerifiedBodyOperator(verifier, bufferFactory));
        return new VerifiedBody(content, length, request.header("x-amz-trailer") != null, BodyChecksum.of(verifier));
    }
}
