package dev.s3seal.testsupport;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Real AWS SDK v2 clients pointed at s3seal, at their defaults unless a test says otherwise. */
public final class S3Clients {

    private S3Clients() {}

    public static StaticCredentialsProvider credentials(String accessKey, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret));
    }

    /** The sync client at its defaults: aws-chunked uploads with CRC32 trailers. */
    public static S3Client sync(URI endpoint, String accessKey, String secret) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials(accessKey, secret))
                .build();
    }

    /** Checksums only where an operation requires them: plain signed bodies, no trailers. */
    public static S3Client syncWhenRequired(URI endpoint, String accessKey, String secret) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(credentials(accessKey, secret))
                .build();
    }

    /** Virtual-hosted-style addressing ({@code bucket.domain}); needs a resolvable domain. */
    public static S3Client syncVirtualHosted(URI endpoint, String accessKey, String secret) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(false).build())
                .credentialsProvider(credentials(accessKey, secret))
                .build();
    }

    /**
     * The async client at its defaults, except that pooled connections idle for 5 s are not reused:
     * S3Proxy's Jetty closes idle connections after 30 s, and a request body that the SDK cannot
     * replay (the AWS S3 Encryption Client's cipher stream) must not meet a stale connection.
     */
    public static S3AsyncClient async(URI endpoint, String accessKey, String secret) {
        return S3AsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .httpClientBuilder(software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.builder()
                        .connectionMaxIdleTime(java.time.Duration.ofSeconds(5)))
                .credentialsProvider(credentials(accessKey, secret))
                .build();
    }

    public static S3Presigner presigner(URI endpoint, String accessKey, String secret) {
        return S3Presigner.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(credentials(accessKey, secret))
                .build();
    }
}
