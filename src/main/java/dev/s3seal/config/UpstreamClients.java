package dev.s3seal.config;

import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamCredentials;
import dev.s3seal.upstream.UpstreamSigner;
import io.netty.channel.ChannelOption;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The upstream HTTP client as {@code s3seal.upstream.*} configures it (pool, timeouts, CA bundle), for the proxy
 * ({@link UpstreamConfiguration}) and for the command-line tools that work on a bucket, which run without Spring.
 */
public final class UpstreamClients {

    private UpstreamClients() {}

    /**
     * A client for the configured upstream endpoint, signed with s3seal's upstream credentials (the AWS default chain
     * when none are set).
     *
     * @throws InvalidConfigurationException when no endpoint is set or it is not an http(s) URL
     */
    public static UpstreamClient forConfigured(S3SealProperties.Upstream upstream) {
        if (upstream.embedded()) {
            throw new InvalidConfigurationException(
                    "s3seal.upstream.endpoint",
                    "no upstream endpoint; set s3seal.upstream.endpoint (S3SEAL_UPSTREAM_ENDPOINT)");
        }
        return new UpstreamClient(
                httpClient(upstream),
                parseEndpoint(upstream.endpoint()),
                new UpstreamSigner(upstream.region()),
                UpstreamCredentials.of(upstream.accessKeyId(), upstream.secretAccessKey()));
    }

    static HttpClient httpClient(S3SealProperties.Upstream upstream) {
        ConnectionProvider pool = ConnectionProvider.builder("s3seal-upstream")
                .maxConnections(upstream.maxConnections())
                .pendingAcquireTimeout(upstream.pendingAcquireTimeout())
                .maxIdleTime(upstream.idleTimeout())
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient client = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        upstream.connectTimeout().toMillis())
                // Idle time between reads of one response, not a whole-body deadline.
                .responseTimeout(upstream.responseTimeout())
                .compress(false)
                .keepAlive(true)
                // response bodies (the ciphertext a GET decrypts) in pieces as large as request bodies'
                .httpResponseDecoder(spec -> spec.maxChunkSize(HttpEdgeConfiguration.MAX_BODY_CHUNK));
        if (upstream.caBundle() != null) {
            File ca = upstream.caBundle().toFile();
            if (!ca.canRead()) {
                throw new InvalidConfigurationException("s3seal.upstream.ca-bundle", "cannot read " + ca);
            }
            client = client.secure(
                    ssl -> ssl.sslContext(Http11SslContextSpec.forClient().configure(b -> b.trustManager(ca))));
        }
        return client;
    }

    static URI parseEndpoint(String value) {
        try {
            URI uri = URI.create(value.strip());
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    "s3seal.upstream.endpoint",
                    "'" + value + "' is not an http(s) URL such as https://s3.eu-west-1.amazonaws.com");
        }
    }
}
