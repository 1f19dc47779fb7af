package dev.s3seal.web.multipart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class MultipartSealTest {

    @Test
    void shouldKeepLockAndUpstreamEncryptionHeadersWhenHeadAnswersThem() {
        HttpHeaders head = new HttpHeaders();
        head.add("Content-Type", "text/plain");
        head.add("x-amz-meta-owner", "alice");
        head.add("x-amz-meta-s3seal-k", "pending-envelope");
        head.add("x-amz-object-lock-mode", "GOVERNANCE");
        head.add("x-amz-object-lock-retain-until-date", "2030-01-01T00:00:00.000Z");
        head.add("x-amz-object-lock-legal-hold", "ON");
        head.add("x-amz-server-side-encryption", "aws:kms");
        head.add("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:eu-west-1:111122223333:key/k");
        head.add("x-amz-server-side-encryption-bucket-key-enabled", "true");
        head.add("ETag", "\"abc-2\"");
        head.add("Last-Modified", "Fri, 27 Nov 2026 19:00:00 GMT");
        head.add("x-amz-tagging-count", "2");
        head.add("x-amz-version-id", "v1");

        assertThat(MultipartSeal.keptHeaders(head))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "content-type", List.of("text/plain"),
                        "x-amz-meta-owner", List.of("alice"),
                        "x-amz-object-lock-mode", List.of("GOVERNANCE"),
                        "x-amz-object-lock-retain-until-date", List.of("2030-01-01T00:00:00.000Z"),
                        "x-amz-object-lock-legal-hold", List.of("ON"),
                        "x-amz-server-side-encryption", List.of("aws:kms"),
                        "x-amz-server-side-encryption-aws-kms-key-id",
                                List.of("arn:aws:kms:eu-west-1:111122223333:key/k"),
                        "x-amz-server-side-encryption-bucket-key-enabled", List.of("true")));
    }
}
