package dev.s3seal.config;

import dev.s3seal.web.MalformedRequestResponder;
import io.netty.channel.ChannelPipeline;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTP layer below Spring: requests Netty cannot decode are answered with S3 error documents
 * by {@link MalformedRequestResponder}, placed right behind the HTTP codec of every connection; request
 * bodies arrive in pieces of up to {@link #MAX_BODY_CHUNK} bytes.
 */
@Configuration(proxyBeanMethods = false)
class HttpEdgeConfiguration {

    /**
     * The largest piece of a request body Netty's HTTP decoder hands on at once (its default is 8 KiB).
     * Every piece costs the same fixed work on its way through s3seal (Reactor signals, the verifier's
     * views, a copy, a digest and a cipher call): at 8 KiB that work was a large part of s3seal's CPU per
     * GiB uploaded. A piece is a slice of what one socket read returned, so this allocates nothing more.
     */
    static final int MAX_BODY_CHUNK = 64 * 1024;

    @Bean
    NettyServerCustomizer malformedRequestResponder() {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null) {
                pipeline.addAfter(
                        NettyPipeline.HttpCodec, MalformedRequestResponder.NAME, new MalformedRequestResponder());
            }
        });
    }

    /**
     * Raises the body piece size once Spring Boot has applied {@code server.*} to the request decoder:
     * Reactor Netty builds each decoder setting from a fresh spec, so this runs last (lowest precedence)
     * and keeps every setting already made.
     */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> largerBodyChunks() {
        class LargerBodyChunks implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {
            @Override
            public int getOrder() {
                return Ordered.LOWEST_PRECEDENCE;
            }

            @Override
            public void customize(NettyReactiveWebServerFactory factory) {
                factory.addServerCustomizers(HttpEdgeConfiguration::withLargerBodyChunks);
            }
        }
        return new LargerBodyChunks();
    }

    /** {@code server} with {@link #MAX_BODY_CHUNK}, every other request decoder setting unchanged. */
    static HttpServer withLargerBodyChunks(HttpServer server) {
        HttpRequestDecoderSpec current = server.configuration().decoder();
        return server.httpRequestDecoder(spec -> spec.maxInitialLineLength(current.maxInitialLineLength())
                .maxHeaderSize(current.maxHeaderSize())
                .validateHeaders(current.validateHeaders())
                .initialBufferSize(current.initialBufferSize())
                .allowDuplicateContentLengths(current.allowDuplicateContentLengths())
                .allowPartialChunks(current.allowPartialChunks())
                .h2cMaxContentLength(current.h2cMaxContentLength())
                .maxChunkSize(Math.max(current.maxChunkSize(), MAX_BODY_CHUNK)));
    }
}
