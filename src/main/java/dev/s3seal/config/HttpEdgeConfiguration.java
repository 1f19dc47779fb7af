package dev.s3seal.config;

import dev.s3seal.web.MalformedRequestResponder;
import io.netty.channel.ChannelPipeline;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * The HTTP layer below Spring: requests Netty cannot decode are answered with S3 error documents
 * by {@link MalformedRequestResponder}, placed right behind the HTTP codec of every connection.
 */
@Configuration(proxyBeanMethods = false)
class HttpEdgeConfiguration {

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
}
