package dev.s3seal.auth.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy document's grammar: each condition form, and what S3 refuses as InvalidPolicyDocument. */
class PostPolicyTest {

    private static String encode(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertInvalid(String json, String messagePart) {
        assertThatThrownBy(() -> PostPolicy.parse(encode(json)))
                .isInstanceOf(S3Exception.class)
                .satisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.INVALID_POLICY_DOCUMENT))
                .hasMessageContaining(messagePart);
    }

    @Test
    void shouldParseEveryConditionForm() {
        PostPolicy policy = PostPolicy.parse(encode("{\"expiration\": \"2030-01-01T00:00:00.000Z\", \"conditions\": ["
                + "{\"bucket\": \"b\", \"ACL\": \"private\"},"
                + "[\"eq\", \"$Content-Type\", \"image/png\"],"
                + "[\"starts-with\", \"$key\", \"user/\"],"
                + "[\"content-length-range\", 1, \"1048576\"]]}"));

        assertThat(policy.expiration()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(policy.conditions())
                .isEqualTo(List.of(
                        new PostCondition.Exact("bucket", "b"),
                        new PostCondition.Exact("acl", "private"),
                        new PostCondition.Exact("content-type", "image/png"),
                        new PostCondition.StartsWith("key", "user/"),
                        new PostCondition.ContentLengthRange(1, 1048576)));
    }

    @Test
    void shouldRefuseWhatIsNotJson() {
        assertInvalid("{\"expiration\": ", "Invalid JSON.");
        assertThatThrownBy(() -> PostPolicy.parse("not base64 !"))
                .isInstanceOf(S3Exception.class)
                .hasMessageContaining("Invalid JSON.");
    }

    @Test
    void shouldRefuseAPolicyWithoutExpirationOrConditions() {
        assertInvalid("{\"conditions\": []}", "Policy missing expiration.");
        assertInvalid("{\"expiration\": \"2030-01-01T00:00:00Z\"}", "Policy missing conditions.");
        assertInvalid("{\"expiration\": \"next week\", \"conditions\": []}", "Invalid 'expiration' value");
    }

    @Test
    void shouldRefuseMalformedConditions() {
        String head = "{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [";
        assertInvalid(head + "[\"matches\", \"$key\", \"a\"]]}", "Invalid Condition");
        assertInvalid(head + "[\"eq\", \"key\", \"a\"]]}", "Invalid Condition");
        assertInvalid(head + "[\"starts-with\", \"$key\"]]}", "Invalid Condition");
        assertInvalid(head + "[\"content-length-range\", 0, \"many\"]]}", "Invalid Condition");
        assertInvalid(head + "{\"key\": [\"a\"]}]}", "Invalid Condition");
    }
}
