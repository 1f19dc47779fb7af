package dev.s3seal.policy.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.policy.Format;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.Policy;
import dev.s3seal.policy.PolicyException;
import dev.s3seal.policy.Rule;
import dev.s3seal.policy.RuleOptions;
import dev.s3seal.policy.SseCVariant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

    private static final String KEYS = """
            keys:
              kms1:
                type: kms
                key-id: alias/one
              local1:
                type: local
                versions:
                  - version: 1
                    env: MASTER_V1
              cust1:
                type: customer
                file: /keys/c
            """; // 12 lines

    private static final String DEFAULT = """
              - name: default
                mode: passthrough
            """;

    private static PolicyException refused(String yaml) {
        Throwable thrown =
                org.assertj.core.api.Assertions.catchThrowable(() -> PolicyParser.parse(yaml, "policy.yaml"));
        assertThat(thrown).isInstanceOf(PolicyException.class);
        PolicyException e = (PolicyException) thrown;
        assertThat(e.getMessage()).doesNotContain("\n").startsWith("policy.yaml:" + e.line() + ": ");
        return e;
    }

    private static void assertRefused(String yaml, int line, String problem) {
        PolicyException e = refused(yaml);
        assertThat(e.getMessage()).startsWith("policy.yaml:" + line + ": ").contains(problem);
    }

    @Test
    void shouldParseEveryModeWhenExampleFileIsRead() {
        Policy policy = PolicyParser.parse(Path.of("config/policy-example.yaml"));

        assertThat(policy.rules())
                .extracting(Rule::mode)
                .containsExactly(
                        Mode.DENY,
                        Mode.SSE_S3,
                        Mode.SSE_KMS,
                        Mode.SSE_C,
                        Mode.SSE_C,
                        Mode.CSE_KMS,
                        Mode.PASSTHROUGH,
                        Mode.CSE_LOCAL);
        assertThat(policy.defaultRule().name()).isEqualTo("default");
        assertThat(policy.keys()).containsOnlyKeys("orders-kms", "master", "partner-ssec");
        assertThat(policy.keys().get("orders-kms"))
                .isEqualTo(
                        new KeyDefinition.KmsKey("orders-kms", "alias/s3seal-orders", Map.of("team", "orders"), true));
        KeyDefinition.LocalKey master = (KeyDefinition.LocalKey) policy.keys().get("master");
        assertThat(master.activeVersion()).isEqualTo(2);
        assertThat(master.active()).isEqualTo(new KeyDefinition.LocalKeyVersion(2, null, "S3SEAL_MASTER_KEY_V2"));
        Rule partner = policy.rules().get(3);
        assertThat(partner.sseCVariant()).isEqualTo(SseCVariant.INJECT);
        assertThat(partner.keyPrefixes()).containsExactly("inbound/");
        assertThat(policy.rules().get(4).sseCVariant()).isEqualTo(SseCVariant.EMULATED);
        assertThat(policy.rules().get(4).keyName()).isNull();
        Rule exports = policy.rules().get(5);
        assertThat(exports.options().format()).isEqualTo(Format.S3EC_V3);
        assertThat(exports.keyGlobs()).containsExactly("shared/*.parquet");
        assertThat(policy.rules().get(0).operations()).containsExactlyInAnyOrder(Operation.READ, Operation.LIST);
        assertThat(policy.rules().get(0).principals()).containsExactlyInAnyOrder("etl", "web");
        assertThat(policy.defaultRule().options()).isEqualTo(new RuleOptions(Format.S3SEAL, 65536, true, false, false));
        assertThat(policy.defaultRule().line()).isGreaterThan(1);
    }

    @Test
    void shouldRecordRuleLinesAndDefaultsWhenRuleIsMinimal() {
        Policy policy = PolicyParser.parse(KEYS + """
                rules:
                  - name: logs
                    buckets: logs
                    mode: cse-local
                    key: local1
                    options:
                      segment-size: 1MiB
                """ + DEFAULT, "p.yaml");

        Rule logs = policy.rules().get(0);
        assertThat(logs.line()).isEqualTo(14);
        assertThat(logs.bucketGlobs()).isEqualTo(List.of("logs"));
        assertThat(logs.principals()).isEqualTo(Set.of());
        assertThat(logs.options().segmentSize()).isEqualTo(1 << 20);
        assertThat(policy.rules().get(1).line()).isEqualTo(20);
        assertThat(policy.source()).isEqualTo("p.yaml");
    }

    @Test
    void shouldNameLineWhenModeIsUnknown() {
        assertRefused(
                """
                rules:
                  - name: r
                    mode: sse-kmss
                """ + DEFAULT, 3, "unknown mode 'sse-kmss' in rule 'r'; expected one of: sse-s3, sse-kms, sse-c,");
    }

    @Test
    void shouldNameLineWhenModeNeedsKeyAndHasNone() {
        assertRefused(KEYS + """
                rules:
                  - name: r
                    buckets: b
                    mode: cse-kms
                """ + DEFAULT, 14, "rule 'r' (mode cse-kms) needs 'key', the name of a kms key");
    }

    @Test
    void shouldNameLineWhenKeyIsNotDefined() {
        assertRefused(KEYS + """
                rules:
                  - name: logs
                    mode: sse-kms
                    buckets: logs
                    key: audit
                """ + DEFAULT, 17, "rule 'logs' uses key 'audit' which is not defined under keys");
    }

    @Test
    void shouldNameLineWhenKeyHasWrongKindForMode() {
        assertRefused(
                KEYS + """
                rules:
                  - name: r
                    buckets: b
                    mode: cse-local
                    key: kms1
                """ + DEFAULT,
                17,
                "rule 'r' (mode cse-local) needs a local key, but 'kms1' (line 2) is a kms key");
        assertRefused(KEYS + """
                rules:
                  - name: r
                    buckets: b
                    mode: sse-c
                    variant: inject
                """ + DEFAULT, 14, "rule 'r' (mode sse-c inject) needs 'key', the name of a customer key");
    }

    @Test
    void shouldNameLineWhenKeylessModeHasKey() {
        assertRefused(KEYS + """
                rules:
                  - name: r
                    buckets: b
                    mode: deny
                    key: kms1
                """ + DEFAULT, 17, "rule 'r' (mode deny) takes no key");
        assertRefused(KEYS + """
                rules:
                  - name: r
                    buckets: b
                    mode: sse-c
                    key: cust1
                """ + DEFAULT, 17, "rule 'r' (mode sse-c pass-through) takes no key");
    }

    @Test
    void shouldNameLineWhenNoDefaultRule() {
        assertRefused("""
                # comment
                rules:
                  - name: r
                    buckets: b
                    mode: deny
                """, 3, "no default rule: the last rule must have no buckets");
    }

    @Test
    void shouldNameLineWhenRuleFollowsDefault() {
        assertRefused("""
                rules:
                  - name: all
                    mode: sse-s3
                  - name: late
                    buckets: b
                    mode: deny
                """, 4, "rule 'late' is unreachable: it comes after the default rule 'all' (line 2)");
    }

    @Test
    void shouldNameLineWhenGlobUsesUnsupportedSyntax() {
        assertRefused(
                """
                rules:
                  - name: r
                    buckets: ["logs-[0-9]*"]
                    mode: deny
                """ + DEFAULT, 3, "bad glob in 'buckets': glob 'logs-[0-9]*' uses '['; only * and ? are supported");
        assertRefused("""
                rules:
                  - name: r
                    key-globs:
                      - "a/*"
                      - "{a,b}/*"
                    mode: deny
                """ + DEFAULT, 5, "glob '{a,b}/*' uses '{'");
    }

    @Test
    void shouldNameLineWhenSegmentSizeIsInvalid() {
        for (String size : List.of("1000", "2KiB", "8MiB", "65537", "big", "-65536")) {
            assertRefused(
                    KEYS + """
                    rules:
                      - name: r
                        buckets: b
                        mode: cse-local
                        key: local1
                        options:
                          segment-size: %s
                    """.formatted(size) + DEFAULT,
                    19,
                    "segment-size '" + size + "' of rule 'r' must be a power of two");
        }
    }

    @Test
    void shouldNameLineWhenOptionDoesNotApplyToMode() {
        assertRefused("""
                rules:
                  - name: r
                    buckets: b
                    mode: sse-s3
                    options:
                      format: s3ec-v3
                """ + DEFAULT, 6, "'format' applies to cse-kms and cse-local, not to rule 'r' (mode sse-s3)");
        assertRefused("""
                rules:
                  - name: r
                    buckets: b
                    mode: deny
                    options:
                      allow-client-sse-headers: true
                """ + DEFAULT, 6, "rule 'r' (mode deny) takes no options");
        // passthrough forwards the client's SSE headers as they are: the option would mean nothing there
        assertRefused("""
                rules:
                  - name: r
                    buckets: b
                    mode: passthrough
                    options:
                      allow-client-sse-headers: true
                """ + DEFAULT, 6, "'allow-client-sse-headers' has no effect on rule 'r' (mode passthrough)");
    }

    @Test
    void shouldNameLineWhenRuleNamesAreDuplicated() {
        assertRefused("""
                rules:
                  - name: r
                    buckets: a
                    mode: deny
                  - name: r
                    buckets: b
                    mode: deny
                """ + DEFAULT, 5, "duplicate rule name 'r' (first defined at line 2)");
    }

    @Test
    void shouldNameLineWhenKeyNamesAreDuplicated() {
        assertRefused("""
                keys:
                  k:
                    type: customer
                    env: A
                  k:
                    type: customer
                    env: B
                rules:
                """ + DEFAULT, 5, "duplicate key name 'k' (first defined at line 2)");
    }

    @Test
    void shouldNameLineWhenFieldIsUnknown() {
        assertRefused("""
                rules:
                  - name: r
                    bucket: b
                    mode: deny
                """ + DEFAULT, 3, "unknown field 'bucket' in rule 'r'; expected one of: name, buckets,");
        assertRefused("""
                keys:
                  k:
                    type: kms
                    key-id: x
                    context: {a: b}
                rules:
                """ + DEFAULT, 5, "unknown field 'context' in key 'k'");
        assertRefused("""
                rule:
                """ + DEFAULT, 1, "unknown field 'rule' in the policy");
    }

    @Test
    void shouldNameLineWhenFieldIsRepeated() {
        assertRefused("""
                rules:
                  - name: r
                    mode: deny
                    buckets: a
                    mode: sse-s3
                """ + DEFAULT, 5, "duplicate field 'mode' in rule 'r' (first at line 3)");
    }

    @Test
    void shouldNameLineWhenYamlIsMalformed() {
        assertRefused("""
                rules:
                  - name: r
                    buckets: [a, b
                    mode: deny
                """ + DEFAULT, 4, "YAML syntax error:");
        assertRefused("""
                rules:
                  - name: "unterminated
                """, 3, "YAML syntax error:");
    }

    @Test
    void shouldNameLineWhenValuesHaveWrongShape() {
        assertRefused("", 1, "empty policy file");
        assertRefused("- a\n- b\n", 1, "the policy must be a mapping");
        assertRefused("rules: []\n", 1, "'rules' must be a non-empty list");
        assertRefused("""
                rules:
                  - name: r
                    buckets: []
                    mode: deny
                """ + DEFAULT, 3, "'buckets' in rule 'r' is empty; leave it out");
        assertRefused("""
                rules:
                  - name: r
                    operations: [read, copy]
                    mode: deny
                """ + DEFAULT, 3, "unknown operation 'copy' in rule 'r'");
        assertRefused("""
                rules:
                  - name: r
                    mode: sse-kms
                    variant: inject
                """ + DEFAULT, 4, "'variant' applies to mode sse-c only");
        assertRefused("""
                keys:
                  k:
                    type: customer
                    file: /a
                    env: B
                rules:
                """ + DEFAULT, 3, "key 'k' needs exactly one of 'file' and 'env'");
        assertRefused("""
                keys:
                  k:
                    type: local
                    active-version: 3
                    versions:
                      - {version: 1, env: A}
                rules:
                """ + DEFAULT, 4, "active-version 3 of key 'k' is not one of its versions");
        assertRefused("""
                keys:
                  k:
                    type: vault
                rules:
                """ + DEFAULT, 3, "unknown type 'vault' of key 'k'");
        assertRefused("""
                keys:
                  k:
                    type: kms
                    key-id: x
                    encryption-context: {aws:s3:arn: y}
                rules:
                """ + DEFAULT, 5, "encryption context key 'aws:s3:arn' of key 'k' is reserved");
        assertRefused(
                """
                keys:
                  k:
                    type: kms
                    key-id: x
                    encryption-context: {team: %s}
                rules:
                """.formatted("o".repeat(250)) + DEFAULT, 5, "encryption context of key 'k' takes more than 256 bytes");
        assertRefused("""
                keys:
                  k:
                    type: kms
                    key-id: x
                    bucket-key: yes
                rules:
                """ + DEFAULT, 5, "'bucket-key' in key 'k' must be true or false, not 'yes'");
    }

    @Test
    void shouldUseFileNameAsSourceWhenParsingPath(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(file, "rules:\n  - name: r\n    mode: nope\n");

        assertThatThrownBy(() -> PolicyParser.parse(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(file + ":3: unknown mode 'nope'");
    }
}
