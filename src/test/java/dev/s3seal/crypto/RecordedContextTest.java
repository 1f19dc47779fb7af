package dev.s3seal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordedContextTest {

    @Test
    void shouldEncodeCanonicallyWhateverTheMapOrder() {
        Map<String, String> unordered = new LinkedHashMap<>();
        unordered.put("team", "orders");
        unordered.put("env", "prod");
        byte[] encoded = RecordedContext.encode(unordered);
        assertThat(HexFormat.of().formatHex(encoded))
                .isEqualTo("0002" + "0003656e76" + "000470726f64" + "00047465616d" + "00066f7264657273");
        assertThat(RecordedContext.decode(encoded)).isEqualTo(unordered);
        assertThat(RecordedContext.encode(Map.of())).containsExactly(0, 0);
        assertThat(RecordedContext.decode(new byte[2])).isEmpty();
        Map<String, String> unicode = Map.of("équipe", "commandes ✓", "empty", "");
        assertThat(RecordedContext.decode(RecordedContext.encode(unicode))).isEqualTo(unicode);
    }

    @Test
    void shouldRefuseEverythingButTheOneEncoding() {
        byte[] good = RecordedContext.encode(Map.of("a", "1", "b", "2"));
        byte[] swapped = HexFormat.of().parseHex("0002" + "000162" + "000132" + "000161" + "000131");
        byte[] duplicate = HexFormat.of().parseHex("0002" + "000161" + "000131" + "000161" + "000132");
        byte[] emptyName = HexFormat.of().parseHex("0001" + "0000" + "000131");
        byte[] notUtf8 = HexFormat.of().parseHex("0001" + "0001ff" + "000131");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] reserved = RecordedContext.encode(Map.of("s3seal:key", "other"));
        byte[] aws = RecordedContext.encode(Map.of("aws:s3:arn", "x"));
        for (byte[] bad : List.of(
                swapped,
                duplicate,
                emptyName,
                notUtf8,
                trailing,
                reserved,
                aws,
                Arrays.copyOf(good, good.length - 1),
                new byte[0],
                new byte[1],
                HexFormat.of().parseHex("ffff"))) {
            assertThatThrownBy(() -> RecordedContext.decode(bad))
                    .as(HexFormat.of().formatHex(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldCarryTheContextInTheEnvelopeOnlyWhenRecorded() {
        EnvelopeMetadata recorded = new EnvelopeMetadata(
                1,
                "kms-layered",
                "arn:aws:kms:x",
                null,
                new byte[] {1},
                5,
                16,
                null,
                null,
                null,
                Map.of("team", "orders"));
        Map<String, String> headers = recorded.toHeaders();
        assertThat(headers.get("x-amz-meta-s3seal-c"))
                .isEqualTo(Base64.getEncoder().encodeToString(RecordedContext.encode(Map.of("team", "orders"))));
        assertThat(EnvelopeMetadata.fromHeaders(headers).context()).isEqualTo(Map.of("team", "orders"));
        assertThat(EnvelopeMetadata.fromHeaders(headers)).isEqualTo(recorded);

        EnvelopeMetadata empty = new EnvelopeMetadata(
                1, "kms", "arn:aws:kms:x", null, new byte[] {1}, 5, 16, null, null, null, Map.of());
        assertThat(empty.toHeaders()).containsEntry("x-amz-meta-s3seal-c", "AAA=");
        assertThat(EnvelopeMetadata.fromHeaders(empty.toHeaders()).context()).isEmpty();

        EnvelopeMetadata legacy =
                new EnvelopeMetadata(1, "kms", "arn:aws:kms:x", null, new byte[] {1}, 5, 16, null, null, null, null);
        assertThat(legacy.toHeaders()).doesNotContainKey("x-amz-meta-s3seal-c");
        assertThat(EnvelopeMetadata.fromHeaders(legacy.toHeaders()).context()).isNull();

        Map<String, String> corrupt = new LinkedHashMap<>(headers);
        corrupt.put("x-amz-meta-s3seal-c", "AAE=");
        assertThatThrownBy(() -> EnvelopeMetadata.fromHeaders(corrupt)).isInstanceOf(IllegalArgumentException.class);
    }
}
