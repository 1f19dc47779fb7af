package dev.s3seal.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CopiedObjectHeadersTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Content-Type",
                "cache-control",
                "x-amz-storage-class",
                "x-amz-object-lock-legal-hold",
                "x-amz-server-side-encryption-aws-kms-key-id",
                "x-amz-meta-color",
                "X-Amz-Meta-s3seal-k"
            })
    void shouldSetAgainWhatTheObjectKeepsAndAllUserMetadata(String header) {
        assertThat(CopiedObjectHeaders.includes(header)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"content-length", "etag", "last-modified", "x-amz-version-id", "x-amz-tagging-count", "date"})
    void shouldLeaveWhatTheStoreComputesItself(String header) {
        assertThat(CopiedObjectHeaders.includes(header)).isFalse();
    }
}
