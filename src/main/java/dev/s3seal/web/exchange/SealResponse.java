package dev.s3seal.web.exchange;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.xml.S3ErrorDocument;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Answers a completion whose seal may take long (one server-side copy of the object), the way S3
 * answers CompleteMultipartUpload: if the seal is not done within {@code keepAliveAfter}
 * ({@code s3seal.limits.seal-keep-alive-after}), a 200 with an XML declaration is committed, a space
 * is flushed every {@link #INTERVAL} so the client's read timeout does not fire, and the body ends
 * with the result or an {@code <Error>} document
 * (which SDKs and the CLI read as a failed completion). The seal runs to its end even if the
 * client goes away, so a retry finds the object sealed.
 */
public final class SealResponse {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SealResponse.class);

    static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private final Duration keepAliveAfter;

    /** {@code keepAliveAfter}: how long to wait for the seal before committing the response (zero: at once). */
    public SealResponse(Duration keepAliveAfter) {
        if (keepAliveAfter.isNegative()) {
            throw new IllegalArgumentException("keepAliveAfter must not be negative");
        }
        this.keepAliveAfter = keepAliveAfter;
    }

    public Mono<Void> answer(ProxyExchange exchange, Mono<SmallExchanges.Answer> seal) {
        Sinks.One<SmallExchanges.Answer> done = Sinks.one();
        seal.subscribe(done::tryEmitValue, done::tryEmitError);
        Mono<SmallExchanges.Answer> result = done.asMono();
        return result.map(Optional::of)
                .timeout(keepAliveAfter, Mono.just(Optional.empty()))
                .flatMap(finished -> finished.isPresent()
                        ? SmallExchanges.write(
                                exchange,
                                finished.get().response(),
                                finished.get().body())
                        : keepAlive(exchange, result));
    }

    private static Mono<Void> keepAlive(ProxyExchange exchange, Mono<SmallExchanges.Answer> result) {
        ServerHttpResponse client = exchange.exchange().getResponse();
        client.setStatusCode(HttpStatusCode.valueOf(200));
        client.getHeaders().setContentType(MediaType.APPLICATION_XML);
        Mono<byte[]> last = result.map(answer -> withoutDeclaration(answer.body()))
                .onErrorResume(error -> Mono.just(errorDocument(exchange, error)));
        Flux<byte[]> body = Flux.concat(
                Mono.just(DECLARATION.getBytes(StandardCharsets.UTF_8)),
                Flux.interval(INTERVAL).map(tick -> new byte[] {' '}).takeUntilOther(last),
                last);
        return client.writeAndFlushWith(
                body.map(bytes -> Mono.<DataBuffer>just(client.bufferFactory().wrap(bytes))));
    }

    private static byte[] withoutDeclaration(byte[] xml) {
        String text = new String(xml, StandardCharsets.UTF_8);
        if (text.startsWith("<?xml")) {
            int end = text.indexOf("?>");
            text = end < 0 ? text : text.substring(end + 2);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] errorDocument(ProxyExchange exchange, Throwable error) {
        log.warn("request {}: multipart seal failed after the response started", exchange.requestId(), error);
        S3Exception s3 = error instanceof S3Exception e ? e : new S3Exception(S3ErrorCode.INTERNAL_ERROR);
        byte[] document = S3ErrorDocument.render(
                s3.errorCode(), s3.getMessage(), exchange.request().resource(), exchange.requestId());
        return withoutDeclaration(document);
    }
}
