package dev.s3seal.web.form;

import dev.s3seal.stream.Buffers;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The client's response while the PutObject a form became is served: a successful PutObject answer
 * (2xx, whatever handler wrote it) is turned into the form's answer ({@link PostObjectAnswer}),
 * keeping the headers S3 sends on PutObject (ETag, version id, encryption); an error passes unchanged,
 * as S3 answers a failed form upload with the same error document.
 */
final class PostObjectResponse extends ServerHttpResponseDecorator {

    private final PostObjectAnswer answer;

    PostObjectResponse(ServerHttpResponse delegate, PostObjectAnswer answer) {
        super(delegate);
        this.answer = answer;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (!succeeded()) {
            return super.writeWith(body);
        }
        return Buffers.releaseAll(body).then(Mono.defer(this::answer));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        if (!succeeded()) {
            return super.writeAndFlushWith(body);
        }
        return Buffers.releaseAll(Flux.from(body).concatMap(Flux::from)).then(Mono.defer(this::answer));
    }

    @Override
    public Mono<Void> setComplete() {
        return succeeded() ? answer() : super.setComplete();
    }

    private boolean succeeded() {
        HttpStatusCode status = getStatusCode();
        return status != null && status.is2xxSuccessful();
    }

    private Mono<Void> answer() {
        HttpHeaders headers = getHeaders();
        String etag = headers.getETag();
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        headers.remove(HttpHeaders.CONTENT_TYPE);
        if (answer.redirect() != null) {
            setStatusCode(HttpStatusCode.valueOf(303));
            headers.setLocation(answer.redirectTo(etag));
            headers.setContentLength(0);
            return super.setComplete();
        }
        headers.set(HttpHeaders.LOCATION, answer.location());
        setStatusCode(HttpStatusCode.valueOf(answer.status()));
        if (answer.status() == 201) {
            byte[] xml = answer.postResponse(etag);
            headers.setContentType(MediaType.APPLICATION_XML);
            headers.setContentLength(xml.length);
            return super.writeWith(Mono.fromSupplier(() -> bufferFactory().wrap(xml)));
        }
        if (answer.status() == 200) {
            headers.setContentLength(0);
        }
        return super.setComplete();
    }
}
