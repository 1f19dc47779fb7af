package dev.s3seal.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys a store between s3seal and the data could read as another key are refused where they are parsed. */
class S3RequestParserTest {

    private final S3RequestParser parser = new S3RequestParser(List.of("s3.example"));

    @Test
    void shouldRefuseKeysWithEmptyOrDotSegmentsAsInvalidUri() {
        for (String path : List.of(
                "/bk/a//secret/x",
                "/bk//secret/x",
                "/bk/a/%2Fsecret/x",
                "/bk/a%2F%2Fsecret",
                "/bk/x/../secret/x",
                "/bk/x/%2E%2E/secret/x",
                "/bk/./k",
                "/bk/k//",
                "/bk//")) {
            assertThatThrownBy(() -> parser.parse("GET", path, null, Map.of()))
                    .as(path)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_URI));
        }
        // virtual-hosted: the whole path is the key
        assertThatThrownBy(() -> parser.parse("GET", "//secret/x", null, Map.of("host", List.of("bk.s3.example"))))
                .isInstanceOf(S3Exception.class);
    }

    @Test
    void shouldKeepFolderMarkersAndOtherKeysAsSent() {
        assertThat(parser.parse("PUT", "/bk/logs/", null, Map.of()).key()).isEqualTo("logs/");
        assertThat(parser.parse("GET", "/bk/a/..b/.c/...", null, Map.of()).key())
                .isEqualTo("a/..b/.c/...");
        assertThat(parser.parse("GET", "/bk/", null, Map.of()).key()).isNull();
        assertThat(parser.parse("GET", "/logs/", null, Map.of("host", List.of("bk.s3.example")))
                        .key())
                .isEqualTo("logs/");
    }
}
