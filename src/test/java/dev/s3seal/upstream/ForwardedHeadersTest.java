package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

    @Test
    void shouldNeverForwardTheClientsSpellingOfTheCopySourceOrItsRange() {
        Map<String, List<String>> forwarded = ForwardedHeaders.toUpstream(
                Map.of(
                        "X-Amz-Copy-Source", List.of("www-private%2Fdocs/plan.txt"),
                        "x-amz-copy-source-range", List.of("bytes=0-1,2-3"),
                        "x-amz-copy-source-if-match", List.of("\"e\""),
                        "x-amz-metadata-directive", List.of("COPY")),
                false);

        assertThat(forwarded).containsOnlyKeys("x-amz-copy-source-if-match", "x-amz-metadata-directive");
    }
}
