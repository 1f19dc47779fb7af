package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * The upstream connection writes header names and values as they are (Reactor Netty does not check
 * them), so every upstream request is checked before it is signed: a CR or LF would start a header
 * line, or a request, that s3seal neither signed nor decided on.
 */
class HeaderSyntaxTest {

    private final UpstreamClient client = new UpstreamClient(
            HttpClient.create(),
            URI.create("http://127.0.0.1:9"),
            new UpstreamSigner("us-east-1"),
            UpstreamCredentials.of("key", "secret"));

    private static UpstreamRequest put(Map<String, List<String>> headers) {
        return new UpstreamRequest("PUT", "bucket", "key", QueryParameters.empty(), headers, 0);
    }

    @Test
    void shouldRefuseAnUpstreamRequestWhoseHeaderWouldSplitIntoAnotherLineOrRequest() {
        for (Map<String, List<String>> injecting : List.of(
                Map.of("x-amz-meta-note", List.of("first\r\nx-amz-acl: public-read")),
                Map.of("x-amz-meta-note", List.of("ok", "x\r\n\r\nDELETE /bucket/other HTTP/1.1")),
                Map.of("content-type", List.of("text/plain\n")),
                Map.of("x-amz-meta-a\nx-amz-acl", List.of("public-read")),
                Map.of("x-amz-meta-a: b", List.of("c")),
                Map.of("x-amz-meta-nul", List.of("a\u0000b")))) {
            assertThatThrownBy(() -> client.toSdkRequest(put(injecting)))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void shouldPassHeadersHttpAllows() {
        var request = client.toSdkRequest(put(Map.of(
                "x-amz-meta-note", List.of("a\tb  c \u00e9"),
                "cache-control", List.of("no-cache", "max-age=0"),
                "x-amz-meta-odd!#$%&'*+.^_`|~", List.of(""))));

        assertThat(request.headers()).containsKeys("x-amz-meta-note", "cache-control", "content-length");
    }
}
