package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * s3seal's upstream signer signs exactly as the AWS SDK's SigV4 signer does (same Authorization
 * header, same added headers) for the requests s3seal sends: queries with characters that need
 * encoding, encoded paths, repeated and padded header values, ports, session credentials.
 */
class UpstreamSignerTest {

    private static final Instant NOW = Instant.parse("2026-12-03T17:58:07Z");
    private static final AwsCredentialsIdentity KEYS =
            AwsCredentialsIdentity.create("AKIDUPSTREAM", "upstream/secret+key");
    private static final AwsCredentialsIdentity SESSION =
            AwsSessionCredentialsIdentity.create("ASIAUPSTREAM", "session-secret", "token/with+chars==");

    static Stream<SdkHttpRequest> requests() {
        return Stream.of(
                https(SdkHttpMethod.GET, "/bucket/key").build(),
                https(SdkHttpMethod.GET, "/bucket")
                        .appendRawQueryParameter("list-type", "2")
                        .appendRawQueryParameter("prefix", "dir one/ünï~*+=&")
                        .appendRawQueryParameter("delimiter", "/")
                        .appendRawQueryParameter("start-after", "a b")
                        .build(),
                https(SdkHttpMethod.POST, "/bucket/key")
                        .appendRawQueryParameter("uploads", "")
                        .putHeader("x-amz-meta-note", "  two   spaces  inside ")
                        .putHeader("Content-Type", "text/plain")
                        .build(),
                https(SdkHttpMethod.PUT, "/bucket/dir%20one/%C3%BCber%2Bplus/a~b")
                        .appendRawQueryParameter("partNumber", "2")
                        .appendRawQueryParameter("uploadId", "abc/def+ghi=")
                        .putHeader("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
                        .putHeader("content-length", "0")
                        .putHeader("x-amz-meta-list", List.of("one", "two"))
                        .putHeader("Expect", "100-continue")
                        .putHeader("User-Agent", "s3seal")
                        .build(),
                https(SdkHttpMethod.DELETE, "/bucket")
                        .appendRawQueryParameter("delete", "")
                        .appendRawQueryParameter("b", "2")
                        .appendRawQueryParameter("a", "2")
                        .appendRawQueryParameter("a", "1")
                        .build(),
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.HEAD)
                        .protocol("https")
                        .host("store.example")
                        .port(8443)
                        .encodedPath("/bucket/key")
                        .putHeader("Range", "bytes=0-9")
                        .build(),
                https(SdkHttpMethod.GET, "").build());
    }

    private static SdkHttpRequest.Builder https(SdkHttpMethod method, String path) {
        return SdkHttpRequest.builder()
                .method(method)
                .protocol("https")
                .host("s3.us-east-1.amazonaws.com")
                .port(443)
                .encodedPath(path);
    }

    @ParameterizedTest
    @MethodSource("requests")
    void shouldSignAsTheAwsSdkSigns(SdkHttpRequest request) {
        for (AwsCredentialsIdentity credentials : List.of(KEYS, SESSION)) {
            SdkHttpRequest ours =
                    new UpstreamSigner("eu-west-3", Clock.fixed(NOW, ZoneOffset.UTC)).sign(request, credentials);
            SdkHttpRequest sdks = sdkSigned(request, credentials, "eu-west-3");

            assertThat(ours.firstMatchingHeader("Authorization")).isEqualTo(sdks.firstMatchingHeader("Authorization"));
            for (String header : List.of("x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "Host")) {
                assertThat(ours.firstMatchingHeader(header)).as(header).isEqualTo(sdks.firstMatchingHeader(header));
            }
            assertThat(ours.getUri()).isEqualTo(request.getUri());
        }
    }

    @ParameterizedTest
    @MethodSource("requests")
    void shouldSignAPlainHttpRequestAsTheSdkSignsItsHttpsTwin(SdkHttpRequest https) {
        SdkHttpRequest http = https.toBuilder().protocol("http").port(9000).build();
        SdkHttpRequest ours = new UpstreamSigner("us-east-1", Clock.fixed(NOW, ZoneOffset.UTC)).sign(http, KEYS);
        SdkHttpRequest sdks = sdkSigned(
                https.toBuilder()
                        .port(9000)
                        .putHeader("Host", https.host() + ":9000")
                        .build(),
                KEYS,
                "us-east-1");

        assertThat(ours.firstMatchingHeader("Authorization")).isEqualTo(sdks.firstMatchingHeader("Authorization"));
        assertThat(ours.firstMatchingHeader("Host")).contains(https.host() + ":9000");
        assertThat(ours.protocol()).isEqualTo("http");
    }

    @ParameterizedTest
    @MethodSource("requests")
    void shouldSignANewDayWithTheNewDaysKey(SdkHttpRequest request) {
        MutableClock clock = new MutableClock(NOW);
        UpstreamSigner signer = new UpstreamSigner("us-east-1", clock);
        signer.sign(request, KEYS);
        clock.now = NOW.plusSeconds(86_400);

        SdkHttpRequest ours = signer.sign(request, KEYS);
        SdkHttpRequest sdks = sdkSigned(request, KEYS, "us-east-1", clock.now);

        assertThat(ours.firstMatchingHeader("Authorization")).isEqualTo(sdks.firstMatchingHeader("Authorization"));
        assertThat(signer.sign(request, SESSION).firstMatchingHeader("Authorization"))
                .isEqualTo(sdkSigned(request, SESSION, "us-east-1", clock.now).firstMatchingHeader("Authorization"));
    }

    private static SdkHttpRequest sdkSigned(SdkHttpRequest request, AwsCredentialsIdentity credentials, String region) {
        return sdkSigned(request, credentials, region, NOW);
    }

    private static SdkHttpRequest sdkSigned(
            SdkHttpRequest request, AwsCredentialsIdentity credentials, String region, Instant at) {
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(credentials)
                        .request(request)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false))
                .request();
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
