package dev.s3seal.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The copy source is read as S3 reads it, and the upstream gets one spelling of what was read. */
class CopySourceTest {

    @Test
    void shouldDecodeBeforeSplittingSoAnEncodedSlashSeparatesBucketFromKey() {
        assertThat(CopySource.parse("www-private%2Fdocs/plan.txt"))
                .isEqualTo(new CopySource("www-private", "docs/plan.txt"));
        assertThat(CopySource.parse("/www-site%2Fsecret%2Fcreds.txt"))
                .isEqualTo(new CopySource("www-site", "secret/creds.txt"));
        assertThat(CopySource.parse("%2Fwww-site%2fsecret/creds.txt"))
                .isEqualTo(new CopySource("www-site", "secret/creds.txt"));
    }

    @Test
    void shouldReadTheCommonClientSpellings() {
        assertThat(CopySource.parse("/b/dir/a%20b%2Bc%3Fd.txt")).isEqualTo(new CopySource("b", "dir/a b+c?d.txt"));
        assertThat(CopySource.parse("b/dir/a+b")).isEqualTo(new CopySource("b", "dir/a+b"));
        assertThat(CopySource.parse("b/%E2%82%AC")).isEqualTo(new CopySource("b", "\u20ac"));
        assertThat(CopySource.parse("b/k?versionId=v%2B1")).isEqualTo(new CopySource("b", "k", "v+1"));
    }

    @Test
    void shouldTakeTheVersionFromTheRawHeaderOnly() {
        // an encoded '?' is part of the key, as S3 reads it; only a raw '?' starts the version
        assertThat(CopySource.parse("b/k%3Fx=1")).isEqualTo(new CopySource("b", "k?x=1"));
        assertThat(CopySource.parse("b/k%3Fx?versionId=3")).isEqualTo(new CopySource("b", "k?x", "3"));
    }

    @Test
    void shouldRefuseFormsThatStoresCouldReadTwoWays() {
        for (String header : List.of(
                "b/k?versionId=",
                "b/k?versionid=1",
                "b/k?versionId=1&x=2",
                "b/k?x=1",
                "b/k?",
                "b/k%3FversionId=1",
                "b/../other/k",
                "b/a/./k",
                "b%2F..%2Fc/k",
                "b//k",
                "b/a//k",
                "b/a%2F%2Fk",
                "bucket-only",
                "/b/",
                "//b/k",
                "b%2F",
                "b/%ZZ",
                "b/%C3")) {
            assertThatThrownBy(() -> CopySource.parse(header)).as(header).isInstanceOf(S3Exception.class);
        }
    }

    @Test
    void shouldRefuseAKeyOverTheLimitWithKeyTooLong() {
        assertThatThrownBy(() -> CopySource.parse("b/" + "k".repeat(1025)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.KEY_TOO_LONG));
        assertThat(CopySource.parse("b/" + "k".repeat(1024)).key()).hasSize(1024);
    }

    @Test
    void shouldReEncodeEveryByteButUnreservedOnesForTheUpstream() {
        assertThat(new CopySource("b", "dir/a b+c?d%&=.txt", "v+1/2").toHeaderValue())
                .isEqualTo("/b/dir/a%20b%2Bc%3Fd%25%26%3D.txt?versionId=v%2B1%2F2");
        assertThat(new CopySource("b", "\u20ac").toHeaderValue()).isEqualTo("/b/%E2%82%AC");
    }

    @Test
    void shouldReadItsOwnCanonicalFormBackToTheSameSource() {
        for (CopySource source : List.of(
                new CopySource("b", "dir/a b+c?d%&=.txt", "v+1"),
                new CopySource("my.bucket", "x/\u20ac/\t", null),
                new CopySource("b", "k?y", "3"))) {
            assertThat(CopySource.parse(source.toHeaderValue())).isEqualTo(source);
        }
    }

    @Test
    void shouldReadCopyRangesStrictlyAndWriteThemCanonically() {
        assertThat(CopySourceRange.parse(" bytes=0-99 ")).isEqualTo(new CopySourceRange(0, 99));
        assertThat(CopySourceRange.parse("bytes=007-9").toHeaderValue()).isEqualTo("bytes=7-9");
        assertThat(CopySourceRange.parse(null)).isNull();
        for (String header : List.of(
                "",
                "bytes=5-",
                "bytes=-5",
                "bytes=0-1,2-3",
                "bytes = 0-1",
                "items=0-1",
                "0-1",
                "bytes=0-99999999999999999999",
                "bytes=9999999999999999999-1",
                "bytes=a-b")) {
            assertThatThrownBy(() -> CopySourceRange.parse(header))
                    .as(header)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
        }
    }
}
