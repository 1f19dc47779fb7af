package dev.s3seal.config;

import dev.s3seal.upstream.UpstreamClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The no-configuration demo: active only while no real upstream endpoint is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${s3seal.upstream.endpoint:}'.isBlank()")
class DemoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DemoConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedStore embeddedStore(S3SealProperties properties) throws Exception {
        EmbeddedStore store = new EmbeddedStore(properties.demo());
        store.start();
        return store;
    }

    @Bean
    ApplicationRunner demoBucket(UpstreamClient upstream, S3SealProperties properties) {
        return args -> {
            new DemoBucket(upstream).ensureExists(properties.demo().bucket());
            log.info(
                    "demo ready: point your S3 client at http://127.0.0.1:8080 with access key '{}' (secret in the README);"
                            + " bucket '{}'",
                    properties.demo().clientAccessKeyId(),
                    properties.demo().bucket());
        };
    }
}
