package dev.s3seal.config;

import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamCredentials;
import dev.s3seal.upstream.UpstreamSigner;
import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The upstream store: its endpoint, s3seal's credentials for it, and the pooled HTTP client. */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean
    UpstreamClient upstreamClient(
            S3SealProperties properties,
            org.springframework.beans.factory.ObjectProvider<EmbeddedStore> embedded,
            dev.s3seal.ops.UpstreamHealth upstreamHealth) {
        S3SealProperties.Upstream upstream = properties.upstream();
        URI endpoint;
        UpstreamCredentials credentials;
        if (upstream.embedded()) {
            EmbeddedStore store = embedded.getObject();
            endpoint = store.endpoint();
            credentials = UpstreamCredentials.of(
                    properties.demo().storeAccessKeyId(), properties.demo().storeSecretAccessKey());
        } else {
            endpoint = UpstreamClients.parseEndpoint(upstream.endpoint());
            credentials = UpstreamCredentials.of(upstream.accessKeyId(), upstream.secretAccessKey());
        }
        return new UpstreamClient(
                UpstreamClients.httpClient(upstream),
                endpoint,
                new UpstreamSigner(upstream.region()),
                credentials,
                upstreamHealth);
    }
}
