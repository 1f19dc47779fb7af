package dev.s3seal.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AuditRecordTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static AuditRecord record(String key) {
        return new AuditRecord(
                Instant.parse("2025-01-02T03:04:05.678Z"),
                "0123456789ABCDEF",
                "alice",
                "PUT_OBJECT",
                "bucket",
                key,
                "default",
                "cse-local",
                "main/v2",
                "success",
                200,
                null,
                10,
                0,
                7);
    }

    @Test
    void shouldWriteOneParsableLineWithEveryField() {
        String line = record("dir/obj.txt").toJson();

        assertThat(line).doesNotContain("\n");
        JsonNode node = JSON.readTree(line);
        assertThat(node.get("time").asString()).isEqualTo("2025-01-02T03:04:05.678Z");
        assertThat(node.get("requestId").asString()).isEqualTo("0123456789ABCDEF");
        assertThat(node.get("principal").asString()).isEqualTo("alice");
        assertThat(node.get("key").asString()).isEqualTo("dir/obj.txt");
        assertThat(node.get("keyId").asString()).isEqualTo("main/v2");
        assertThat(node.get("status").asInt()).isEqualTo(200);
        assertThat(node.get("error").isNull()).isTrue();
        assertThat(node.get("bytesIn").asLong()).isEqualTo(10);
        assertThat(node.get("durationMs").asLong()).isEqualTo(7);
    }

    @Test
    void shouldEscapeHostileObjectKeysWhenTheyContainJsonAndControlCharacters() {
        List<String> keys = List.of(
                "quo\"te",
                "back\\slash",
                "new\nline\r\n{\"forged\":1}",
                "tab\tbell\u0007nul\u0000",
                "del\u007f",
                "sep\u2028\u2029",
                "emoji \uD83D\uDD12 ok",
                "lone \uD800 surrogate",
                "{}",
                "é ü 漢字");
        for (String key : keys) {
            String line = record(key).toJson();

            assertThat(line).doesNotContain("\n", "\r", "\u2028", "\u2029");
            JsonNode node = JSON.readTree(line);
            assertThat(node.size()).isEqualTo(15);
            String expected = key.replace("\uD800", "\uFFFD");
            assertThat(node.get("key").asString()).isEqualTo(expected);
        }
    }

    @Test
    void shouldCarryNoCredentialOrKeyMaterialWhenBuiltFromARequest() {
        // Only names and ids go in: the record has no field that could hold a header, a query or a secret.
        assertThat(AuditRecord.class.getRecordComponents())
                .extracting(c -> c.getName())
                .containsExactly(
                        "time",
                        "requestId",
                        "principal",
                        "operation",
                        "bucket",
                        "key",
                        "rule",
                        "mode",
                        "keyId",
                        "outcome",
                        "status",
                        "errorCode",
                        "bytesIn",
                        "bytesOut",
                        "durationMs");
    }
}
