package dev.s3seal.web.form;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.auth.post.PostForm;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which form fields become the PutObject's headers, and which are refused rather than dropped. */
class FormObjectHeadersTest {

    private static PostForm form(String... namesAndValues) {
        List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            pairs.add(Map.entry(namesAndValues[i], namesAndValues[i + 1]));
        }
        return PostForm.of(pairs);
    }

    @Test
    void shouldCarryTheObjectsFieldsAsHeadersAndNothingOfTheSignature() {
        Map<String, List<String>> headers = FormObjectHeaders.of(
                form(
                        "key", "a/${filename}",
                        "Content-Type", "image/png",
                        "X-Amz-Meta-Origin", "form",
                        "acl", "public-read",
                        "Cache-Control", "no-cache",
                        "x-amz-server-side-encryption", "AES256",
                        "policy", "eyJ9",
                        "x-amz-signature", "abc",
                        "x-amz-credential", "k/20300101/us-east-1/s3/aws4_request",
                        "success_action_status", "201",
                        "x-ignore-submit", "Upload"),
                42);

        assertThat(headers)
                .containsOnly(
                        Map.entry("content-type", List.of("image/png")),
                        Map.entry("x-amz-meta-origin", List.of("form")),
                        Map.entry("x-amz-acl", List.of("public-read")),
                        Map.entry("cache-control", List.of("no-cache")),
                        Map.entry("x-amz-server-side-encryption", List.of("AES256")),
                        Map.entry("content-length", List.of("42")));
    }

    @Test
    void shouldRefuseFieldsItWouldOtherwiseLeaveUnapplied() {
        assertThatThrownBy(() -> FormObjectHeaders.of(form("tagging", "<Tagging/>"), 1))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.NOT_IMPLEMENTED));
        assertThatThrownBy(() -> FormObjectHeaders.of(form("x-amz-checksum-crc32", "AAAAAA=="), 1))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.NOT_IMPLEMENTED));
    }

    @Test
    void shouldRefuseAFieldThatWouldAddAHeaderLineUpstream() {
        // a form field may hold CR and LF, a header line cannot: forwarded, they would inject headers
        for (PostForm injecting : List.of(
                form("x-amz-meta-note", "first\r\nx-amz-acl: public-read"),
                form("Content-Type", "text/plain\nx-amz-acl: public-read"),
                form("acl", "private\rx"),
                form("x-amz-meta-a\nx-amz-acl", "public-read"),
                form("x-amz-meta-nul", "a\u0000b"))) {
            assertThatThrownBy(() -> FormObjectHeaders.of(injecting, 1))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
        }
        assertThat(FormObjectHeaders.of(form("x-amz-meta-tab", "a\tb"), 1))
                .containsEntry("x-amz-meta-tab", List.of("a\tb"));
    }
}
