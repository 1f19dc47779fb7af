package dev.s3seal.web.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.CopySource;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Copy conditions against the client's ETag, copy-source ranges, and the copy source header. */
class CopyConditionsTest {

    private static final String ETAG = "\"0123456789abcdef0123456789abcdef\"";
    private static final String MODIFIED = "Wed, 01 Jan 2025 12:00:00 GMT";

    private static S3Request request(String... headerPairs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], List.of(headerPairs[i + 1]));
        }
        return new S3Request("PUT", "/b/k", "", "b", "k", QueryParameters.empty(), headers);
    }

    private static S3ErrorCode refusal(S3Request request) {
        try {
            CopyConditions.check(request, ETAG, MODIFIED);
            return null;
        } catch (S3Exception e) {
            return e.errorCode();
        }
    }

    @Test
    void shouldPassWhenIfMatchNamesThePlaintextEtag() {
        assertThat(refusal(request(CopyConditions.IF_MATCH, ETAG))).isNull();
        assertThat(refusal(request(CopyConditions.IF_MATCH, "0123456789ABCDEF0123456789ABCDEF")))
                .isNull();
    }

    @Test
    void shouldFailWithPreconditionFailedWhenAConditionDoesNotHold() {
        assertThat(refusal(request(CopyConditions.IF_MATCH, "\"ffff\""))).isEqualTo(S3ErrorCode.PRECONDITION_FAILED);
        assertThat(refusal(request(CopyConditions.IF_NONE_MATCH, ETAG))).isEqualTo(S3ErrorCode.PRECONDITION_FAILED);
        assertThat(refusal(request(CopyConditions.IF_MODIFIED_SINCE, "Thu, 02 Jan 2025 12:00:00 GMT")))
                .isEqualTo(S3ErrorCode.PRECONDITION_FAILED);
        assertThat(refusal(request(CopyConditions.IF_UNMODIFIED_SINCE, "Tue, 31 Dec 2024 12:00:00 GMT")))
                .isEqualTo(S3ErrorCode.PRECONDITION_FAILED);
    }

    @Test
    void shouldLetIfMatchOverrideFailingIfUnmodifiedSinceAsS3Does() {
        assertThat(refusal(request(
                        CopyConditions.IF_MATCH,
                        ETAG,
                        CopyConditions.IF_UNMODIFIED_SINCE,
                        "Tue, 31 Dec 2024 12:00:00 GMT")))
                .isNull();
    }

    @Test
    void shouldIgnoreDatesThatDoNotParse() {
        assertThat(refusal(request(CopyConditions.IF_MODIFIED_SINCE, "yesterday")))
                .isNull();
    }

    @Test
    void shouldResolveCopySourceRangesAgainstThePlaintextSize() {
        assertThat(EncryptedPartCopy.range("bytes=0-99", 100)).containsExactly(0, 99);
        assertThat(EncryptedPartCopy.range(null, 100)).containsExactly(0, 99);
        // past the source's end: S3's InvalidRange (416)
        assertThatThrownBy(() -> EncryptedPartCopy.range("bytes=0-100", 100))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_RANGE));
        assertThatThrownBy(() -> EncryptedPartCopy.range("bytes=5-", 100))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> EncryptedPartCopy.range("bytes=9-3", 100))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_REQUEST));
    }

    @Test
    void shouldKeepTheVersionIdOfTheCopySource() {
        assertThat(CopySource.parse("/b/dir/a%20b.txt?versionId=v%2B1"))
                .isEqualTo(new CopySource("b", "dir/a b.txt", "v+1"));
        assertThat(CopySource.parse("b/k").versionId()).isNull();
        assertThatCode(() -> CopiedMetadata.refuseUnchangedSelfCopy(
                        request("x-amz-metadata-directive", "REPLACE"), new CopySource("b", "k")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CopiedMetadata.refuseUnchangedSelfCopy(request(), new CopySource("b", "k")))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_REQUEST));
    }
}
