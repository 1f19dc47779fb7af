package dev.s3seal.cli.rewrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** Which envelopes rewrap leaves alone, and what its self-copy writes: pure, no store. */
class RewrapTargetTest {

    private static final byte[] BLOB = new byte[60];

    @Test
    void shouldTreatAnEnvelopeUnderTheActiveVersionAsCurrentWhetherLayeredOrNot() {
        RewrapTarget target =
                RewrapTarget.of(new WrappedKey("local-layered", "master", "2", BLOB), KeyContext.of("b", "probe"));

        assertThat(target.isCurrent(envelope("local", "master", "2", null))).isTrue();
        assertThat(target.isCurrent(envelope("local-layered", "master", "2", null)))
                .isTrue();
    }

    @Test
    void shouldRewrapAnEnvelopeUnderAnotherVersionKeyOrProvider() {
        RewrapTarget target =
                RewrapTarget.of(new WrappedKey("local", "master", "2", BLOB), KeyContext.of("b", "probe"));

        assertThat(target.isCurrent(envelope("local", "master", "1", null))).isFalse();
        assertThat(target.isCurrent(envelope("local", "other", "2", null))).isFalse();
        assertThat(target.isCurrent(envelope("kms", "master", "2", null))).isFalse();
    }

    @Test
    void shouldRewrapAKmsEnvelopeWhoseRecordedContextDiffersFromTheRulesNow() {
        KeyContext context = KeyContext.of("b", "probe", Map.of("team", "blue"));
        RewrapTarget target = RewrapTarget.of(new WrappedKey("kms-layered", "arn:aws:kms:k/2", null, BLOB), context);

        assertThat(target.isCurrent(envelope("kms", "arn:aws:kms:k/2", null, Map.of("team", "blue"))))
                .isTrue();
        assertThat(target.isCurrent(envelope("kms", "arn:aws:kms:k/2", null, Map.of())))
                .isFalse();
        assertThat(target.isCurrent(envelope("kms", "arn:aws:kms:k/2", null, null)))
                .isFalse();
        assertThat(target.isCurrent(envelope("kms", "arn:aws:kms:k/1", null, Map.of("team", "blue"))))
                .isFalse();
    }

    @Test
    void shouldKeepTheObjectsHeadersAndReplaceOnlyItsEnvelope() {
        HttpHeaders stored = new HttpHeaders();
        stored.add("Content-Type", "text/x-report");
        stored.add("Cache-Control", "max-age=60");
        stored.add("x-amz-meta-owner", "alice");
        stored.add("x-amz-storage-class", "STANDARD_IA");
        stored.add("x-amz-meta-s3seal-kv", "1");
        stored.add("ETag", "\"abc\"");
        stored.add("Content-Length", "123");
        stored.add("Last-Modified", "Thu, 03 Dec 2026 14:00:00 GMT");

        Map<String, List<String>> headers = SelfCopy.headers(stored, envelope("local", "master", "2", null));

        assertThat(headers)
                .containsEntry("content-type", List.of("text/x-report"))
                .containsEntry("cache-control", List.of("max-age=60"))
                .containsEntry("x-amz-meta-owner", List.of("alice"))
                .containsEntry("x-amz-storage-class", List.of("STANDARD_IA"))
                .containsEntry("x-amz-meta-s3seal-kv", List.of("2"))
                .doesNotContainKeys("etag", "content-length", "last-modified");
    }

    @Test
    void shouldTurnTheStoredTagsIntoATaggingHeader() {
        byte[] xml = ("<Tagging><TagSet><Tag><Key>team</Key><Value>blue sky</Value></Tag>"
                        + "<Tag><Key>a&amp;b</Key><Value>x=y</Value></Tag></TagSet></Tagging>")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(SelfCopy.taggingHeader(xml))
                .containsExactly(Map.entry("x-amz-tagging", List.of("team=blue%20sky&a%26b=x%3Dy")));
        assertThat(SelfCopy.taggingHeader("<Tagging><TagSet/></Tagging>".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    private static EnvelopeMetadata envelope(
            String provider, String keyId, String version, Map<String, String> context) {
        return new EnvelopeMetadata(
                ObjectFormat.VERSION_1, provider, keyId, version, BLOB, 1000, 65536, null, null, null, context);
    }
}
