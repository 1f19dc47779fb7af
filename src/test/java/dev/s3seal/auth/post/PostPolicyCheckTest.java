package dev.s3seal.auth.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each condition type against forms that meet it and forms that do not. */
class PostPolicyCheckTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private static PostPolicy policy(PostCondition... conditions) {
        return new PostPolicy(NOW.plusSeconds(60), List.of(conditions));
    }

    private static PostForm form(String... namesAndValues) {
        List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            pairs.add(Map.entry(namesAndValues[i], namesAndValues[i + 1]));
        }
        return PostForm.of(pairs);
    }

    private static void check(PostPolicy policy, PostForm form, long length) {
        PostPolicyCheck.check(policy, form, "bucket", "user/a.txt", length, NOW);
    }

    private static void assertRefused(Runnable check, S3ErrorCode code, String messagePart) {
        assertThatThrownBy(check::run)
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    @Test
    void shouldRefuseAFileAboveTheRangeAsEntityTooLargeAndBelowAsEntityTooSmall() {
        PostPolicy policy = policy(new PostCondition.ContentLengthRange(10, 100));
        assertThatCode(() -> check(policy, form(), 10)).doesNotThrowAnyException();
        assertThatCode(() -> check(policy, form(), 100)).doesNotThrowAnyException();
        assertRefused(() -> check(policy, form(), 101), S3ErrorCode.ENTITY_TOO_LARGE, "exceeds the maximum");
        assertRefused(() -> check(policy, form(), 9), S3ErrorCode.ENTITY_TOO_SMALL, "smaller than the minimum");
    }

    @Test
    void shouldRefuseAPolicyAtOrAfterItsExpiration() {
        PostPolicy expired = new PostPolicy(NOW, List.of());
        assertRefused(
                () -> check(expired, form(), 0),
                S3ErrorCode.ACCESS_DENIED,
                "Invalid according to Policy: Policy expired.");
    }

    @Test
    void shouldMatchExactValuesCaseSensitivelyAndNamesCaseInsensitively() {
        PostPolicy policy = policy(new PostCondition.Exact("x-amz-meta-tag", "Blue"));
        assertThatCode(() -> check(policy, form("X-Amz-Meta-Tag", "Blue"), 0)).doesNotThrowAnyException();
        assertRefused(
                () -> check(policy, form("x-amz-meta-tag", "blue"), 0),
                S3ErrorCode.ACCESS_DENIED,
                "Policy Condition failed: [\"eq\", \"$x-amz-meta-tag\", \"Blue\"]");
        assertRefused(() -> check(policy, form(), 0), S3ErrorCode.ACCESS_DENIED, "Policy Condition failed");
    }

    @Test
    void shouldHoldTheKeyAndBucketOfTheUploadToTheirConditions() {
        assertThatCode(() ->
                        check(policy(new PostCondition.StartsWith("key", "user/")), form("key", "user/${filename}"), 0))
                .doesNotThrowAnyException();
        assertRefused(
                () -> check(policy(new PostCondition.StartsWith("key", "admin/")), form("key", "user/a.txt"), 0),
                S3ErrorCode.ACCESS_DENIED,
                "$key");
        assertRefused(
                () -> check(policy(new PostCondition.Exact("bucket", "other")), form(), 0),
                S3ErrorCode.ACCESS_DENIED,
                "$bucket");
    }

    @Test
    void shouldAdmitAnyValueForAnEmptyStartsWith() {
        PostPolicy policy = policy(new PostCondition.StartsWith("x-amz-meta-note", ""));
        assertThatCode(() -> check(policy, form("x-amz-meta-note", "anything"), 0))
                .doesNotThrowAnyException();
        assertThatCode(() -> check(policy, form(), 0)).doesNotThrowAnyException();
    }

    @Test
    void shouldHoldEveryListedContentTypeToTheStartsWith() {
        PostPolicy policy = policy(new PostCondition.StartsWith("content-type", "image/"));
        assertThatCode(() -> check(policy, form("Content-Type", "image/png, image/jpeg"), 0))
                .doesNotThrowAnyException();
        assertRefused(
                () -> check(policy, form("Content-Type", "image/png, text/html"), 0),
                S3ErrorCode.ACCESS_DENIED,
                "Policy Condition failed");
    }

    @Test
    void shouldRefuseFieldsNoConditionNamesButThePolicyTheSignatureAndXIgnore() {
        PostPolicy policy = policy(new PostCondition.StartsWith("key", ""));
        assertThatCode(() -> check(
                        policy, form("key", "k", "policy", "p", "x-amz-signature", "s", "x-ignore-submit", "go"), 0))
                .doesNotThrowAnyException();
        assertRefused(
                () -> check(policy, form("key", "k", "acl", "public-read"), 0),
                S3ErrorCode.ACCESS_DENIED,
                "Invalid according to Policy: Extra input fields: acl");
    }
}
