package dev.s3seal.upstream;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs upstream requests with the AWS SDK's SigV4 signer, always with
 * {@code UNSIGNED-PAYLOAD}: bodies are streamed, so their hash is unknown when the headers leave.
 * Integrity of what s3seal sends is carried by Content-MD5 / checksums and by TLS.
 */
public final class UpstreamSigner {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final String region;

    public UpstreamSigner(String region) {
        this.region = region;
    }

    /**
     * The SDK signer insists on hashing the payload of a plain-HTTP request. The scheme is not
     * part of the canonical request, so a request to an {@code http://} store (the demo, tests)
     * is signed as if it were HTTPS and sent unchanged; the Host header keeps the real port.
     */
    public SdkHttpRequest sign(SdkHttpRequest request, AwsCredentialsIdentity credentials) {
        boolean plainHttp = "http".equals(request.protocol());
        SdkHttpRequest toSign = plainHttp
                ? request.toBuilder()
                        .protocol("https")
                        .putHeader("Host", hostHeader(request))
                        .build()
                : request;
        SdkHttpRequest signed = signer.sign(r -> r.identity(credentials)
                        .request(toSign)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false))
                .request();
        return plainHttp ? signed.toBuilder().protocol("http").build() : signed;
    }

    private static String hostHeader(SdkHttpRequest request) {
        int port = request.port();
        boolean defaultPort = port == 80 || port < 0;
        return defaultPort ? request.host() : request.host() + ":" + port;
    }
}
