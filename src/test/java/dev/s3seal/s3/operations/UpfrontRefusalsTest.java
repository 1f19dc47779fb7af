package dev.s3seal.s3.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpfrontRefusalsTest {

    private final S3RequestParser parser = new S3RequestParser(List.of());

    @Test
    void shouldRefuseEveryMethodButGetOnTheServiceRootWithMethodNotAllowed() {
        for (String method : List.of("PUT", "DELETE", "POST", "HEAD", "OPTIONS")) {
            assertThat(refusal(method, "/", null, Map.of())).as(method).isEqualTo(S3ErrorCode.METHOD_NOT_ALLOWED);
        }
        assertThatCode(() -> UpfrontRefusals.check(request("GET", "/", null, Map.of())))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseMethodsS3DoesNotServeWithMethodNotAllowed() {
        for (String method : List.of("PATCH", "TRACE", "CONNECT", "PROPFIND", "get", "FOO")) {
            assertThat(refusal(method, "/bucket/k", null, Map.of()))
                    .as(method)
                    .isEqualTo(S3ErrorCode.METHOD_NOT_ALLOWED);
        }
    }

    @Test
    void shouldRefuseUploadsDeclaredAboveFiveGibibytesWithEntityTooLarge() {
        assertThat(refusal("PUT", "/bucket/k", null, Map.of("content-length", List.of("6000000000000"))))
                .isEqualTo(S3ErrorCode.ENTITY_TOO_LARGE);
        assertThat(refusal("PUT", "/bucket/k", null, Map.of("content-length", List.of("5368709121"))))
                .isEqualTo(S3ErrorCode.ENTITY_TOO_LARGE);
        assertThat(refusal(
                        "PUT",
                        "/bucket/k",
                        "partNumber=1&uploadId=u",
                        Map.of("content-length", List.of("99999999999999999999999"))))
                .isEqualTo(S3ErrorCode.ENTITY_TOO_LARGE);
        assertThat(refusal(
                        "PUT",
                        "/bucket/k",
                        null,
                        Map.of(
                                "content-length",
                                List.of("100"),
                                "x-amz-decoded-content-length",
                                List.of("6000000000000"))))
                .isEqualTo(S3ErrorCode.ENTITY_TOO_LARGE);
    }

    @Test
    void shouldLetUploadsOfUpToFiveGibibytesAndOtherOperationsThrough() {
        assertThatCode(() -> UpfrontRefusals.check(
                        request("PUT", "/bucket/k", null, Map.of("content-length", List.of("5368709120")))))
                .doesNotThrowAnyException();
        // a copy carries no body; its source size is the store's business
        assertThatCode(() -> UpfrontRefusals.check(request(
                        "PUT",
                        "/bucket/k",
                        null,
                        Map.of("content-length", List.of("0"), "x-amz-copy-source", List.of("/bucket/other")))))
                .doesNotThrowAnyException();
    }

    private S3ErrorCode refusal(String method, String path, String query, Map<String, List<String>> headers) {
        S3Exception refused = catchThrowableOfType(
                S3Exception.class, () -> UpfrontRefusals.check(request(method, path, query, headers)));
        return refused == null ? null : refused.errorCode();
    }

    private S3Request request(String method, String path, String query, Map<String, List<String>> headers) {
        return parser.parse(method, path, query, headers);
    }
}
