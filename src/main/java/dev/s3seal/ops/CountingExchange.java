package dev.s3seal.ops;

import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts body bytes as they pass, without holding any buffer: the request body as the handler
 * reads it, the response body as it is handed to Netty.
 */
final class CountingExchange {

    private CountingExchange() {}

    static ServerWebExchange wrap(ServerWebExchange exchange, LongAdder received, LongAdder sent) {
        return exchange.mutate()
                .request(new ServerHttpRequestDecorator(exchange.getRequest()) {
                    @Override
                    public Flux<DataBuffer> getBody() {
                        return super.getBody().doOnNext(buffer -> received.add(buffer.readableByteCount()));
                    }
                })
                .response(new ServerHttpResponseDecorator(exchange.getResponse()) {
                    @Override
                    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                        return super.writeWith(counted(body, sent));
                    }

                    @Override
                    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
                        return super.writeAndFlushWith(Flux.from(body).map(part -> counted(part, sent)));
                    }
                })
                .build();
    }

    /** Keeps a Mono a Mono: the response writes a single buffer with its Content-Length differently. */
    private static Publisher<? extends DataBuffer> counted(Publisher<? extends DataBuffer> body, LongAdder sent) {
        if (body instanceof Mono<? extends DataBuffer> mono) {
            return mono.doOnNext(buffer -> sent.add(buffer.readableByteCount()));
        }
        return Flux.from(body).doOnNext(buffer -> sent.add(buffer.readableByteCount()));
    }
}
