package dev.s3seal.config;

import java.io.File;
import java.net.URI;
import java.time.Duration;

import io.netty.channel.ChannelOption;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.s3seal.demo.EmbeddedStore;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamCredentials;
import dev.s3seal.upstream.UpstreamSigner;

/** The upstream store: its endpoint, s3seal's credentials for it, and the pooled HTTP client. */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean
    UpstreamClient upstreamClient(S3SealProperties properties, org.springframework.beans.factory.ObjectProvider<EmbeddedStore> embedded,
            dev.s3seal.ops.UpstreamHealth upstreamHealth) {
        S3SealProperties.Upstream upstream = properties.upstream();
        URI endpoint;
        UpstreamCredentials credentials;
        if (upstream.embedded()) {
            EmbeddedStore store = embedded.getObject();
            endpoint = store.endpoint();
            credentials = UpstreamCredentials.of(properties.demo().storeAccessKeyId(),
                    properties.demo().storeSecretAccessKey());
        } else {
            endpoint = parseEndpoint(upstream.endpoint());
            credentials = UpstreamCredentials.of(upstream.accessKeyId(), upstream.secretAccessKey());
        }
        return new UpstreamClient(httpClient(upstream), endpoint, new UpstreamSigner(upstream.region()), credentials,
                upstreamHealth);
    }

    private static HttpClient httpClient(S3SealProperties.Upstream upstream) {
        ConnectionProvider pool = ConnectionProvider.builder("s3seal-upstream")
                .maxConnections(upstream.maxConnections())
                .pendingAcquireTimeout(upstream.pendingAcquireTimeout())
                .maxIdleTime(upstream.idleTimeout())
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient client = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) upstream.connectTimeout().toMillis())
                // Idle time between reads of one response, not a whole-body deadline.
                .responseTimeout(upstream.responseTimeout())
                .compress(false)
                .keepAlive(true);
        if (upstream.caBundle() != null) {
            File ca = upstream.caBundle().toFile();
            if (!ca.canRead()) {
                throw new InvalidConfigurationException("s3seal.upstream.ca-bundle", "cannot read " + ca);
            }
            client = client.secure(ssl -> ssl.sslContext(Http11SslContextSpec.forClient().configure(b -> b.trustManager(ca))));
        }
        return client;
    }

    private static URI parseEndpoint(String value) {
        try {
            URI uri = URI.create(value.strip());
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("s3seal.upstream.endpoint",
                    "'" + value + "' is not an http(s) URL such as https://s3.eu-west-1.amazonaws.com");
        }
    }
}
