package dev.s3seal.config;

import dev.s3seal.limits.BodyBudget;
import dev.s3seal.limits.BodyIdleDeadline;
import dev.s3seal.limits.ClientConcurrencyLimit;
import dev.s3seal.limits.HeaderReadDeadline;
import dev.s3seal.limits.LimitListener;
import dev.s3seal.limits.RequestLimits;
import dev.s3seal.ops.LimitMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * The per-request limits ({@code s3seal.limits.*}, see {@link S3SealProperties.Limits}): the header
 * deadline goes into every server channel's pipeline, the body deadline and the per-client cap
 * into the S3 edge.
 */
@Configuration(proxyBeanMethods = false)
class LimitsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LimitsConfiguration.class);
    private static final String HEADER_DEADLINE_HANDLER = "s3seal.headerReadDeadline";

    @Bean
    LimitListener limitListener(MeterRegistry registry) {
        return new LimitMeters(registry);
    }

    @Bean
    RequestLimits requestLimits(S3SealProperties properties, LimitListener listener) {
        S3SealProperties.Limits limits = properties.limits();
        int perClient =
                limits.maxConcurrentRequestsPerClient(properties.upstream().maxConnections());
        if (perClient < 1) {
            throw new InvalidConfigurationException(
                    "s3seal.limits.max-concurrent-requests-per-client", "must be at least 1, was " + perClient);
        }
        Duration idle = positive("s3seal.limits.body-idle-timeout", limits.bodyIdleTimeout());
        return new RequestLimits(new ClientConcurrencyLimit(perClient, listener), new BodyIdleDeadline(idle, listener));
    }

    @Bean
    BodyBudget heldBodyBudget(S3SealProperties properties) {
        long budget = properties.limits().heldBodyBudget().toBytes();
        long max = properties.limits().maxHeldBody().toBytes();
        if (budget < 0) {
            throw new InvalidConfigurationException(
                    "s3seal.limits.held-body-budget", "must not be negative, was " + budget);
        }
        if (max < 0) {
            throw new InvalidConfigurationException("s3seal.limits.max-held-body", "must not be negative, was " + max);
        }
        return new BodyBudget(budget, max);
    }

    @Bean
    NettyServerCustomizer headerReadDeadline(S3SealProperties properties, LimitListener listener) {
        long millis = positive(
                        "s3seal.limits.header-read-timeout", properties.limits().headerReadTimeout())
                .toMillis();
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null) {
                pipeline.addAfter(
                        NettyPipeline.HttpCodec, HEADER_DEADLINE_HANDLER, new HeaderReadDeadline(millis, listener));
            } else {
                log.warn("no HTTP/1.1 codec in the server pipeline; the header read deadline is not applied");
            }
        });
    }

    private static Duration positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidConfigurationException(key, "must be a positive duration such as 30s, was " + value);
        }
        return value;
    }
}
