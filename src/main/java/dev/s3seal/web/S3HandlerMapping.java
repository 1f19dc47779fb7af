package dev.s3seal.web;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends every request on the S3 port, whatever its path, to the {@link S3Gateway}. Requests on
 * the management port (actuator, served by a child context that also sees this mapping) are
 * left to the handlers registered there.
 */
public final class S3HandlerMapping extends AbstractHandlerMapping
        implements ApplicationListener<WebServerInitializedEvent> {

    private final S3Gateway gateway;
    private volatile int s3Port = -1;

    public S3HandlerMapping(S3Gateway gateway) {
        this.gateway = gateway;
        setOrder(Ordered.HIGHEST_PRECEDENCE);
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            s3Port = event.getWebServer().getPort();
        }
    }

    @Override
    protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
        var local = exchange.getRequest().getLocalAddress();
        boolean onS3Port = s3Port < 0 || local == null || local.getPort() == s3Port;
        return onS3Port ? Mono.just(gateway) : Mono.empty();
    }
}
