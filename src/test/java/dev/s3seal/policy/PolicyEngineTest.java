package dev.s3seal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.policy.file.PolicyParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    private static final PolicyEngine ENGINE = new PolicyEngine(PolicyParser.parse("""
            keys:
              kms: {type: kms, key-id: alias/k}
              master:
                type: local
                versions: [{version: 1, env: M1}]
            rules:
              - name: secrets-denied
                buckets: data
                key-prefixes: [secret/]
                mode: deny
              - name: etl-writes
                buckets: data
                principals: [etl]
                operations: [write]
                mode: sse-kms
                key: kms
              - name: reports
                buckets: data
                key-globs: ["reports/*.csv", "r?/*"]
                mode: sse-s3
              - name: logs
                buckets: ["logs-*", "audit-??"]
                mode: cse-kms
                key: kms
              - name: deletes-refused
                operations: delete
                mode: deny
              - name: default
                mode: cse-local
                key: master
            """, "policy.yaml"));

    private static String rule(String principal, String bucket, String key, Operation op) {
        return ENGINE.decide(principal, bucket, key, op).rule().name();
    }

    @Test
    void shouldPreferSpecificPrefixWhenBroaderBucketRuleFollows() {
        assertThat(rule("etl", "data", "secret/x", Operation.WRITE)).isEqualTo("secrets-denied");
        assertThat(rule("etl", "data", "public/x", Operation.WRITE)).isEqualTo("etl-writes");
        assertThat(rule("etl", "data", "secretive", Operation.WRITE)).isEqualTo("etl-writes");
    }

    @Test
    void shouldDenyWhenDenyRuleMatches() {
        PolicyDecision decision = ENGINE.decide("web", "data", "secret/a/b", Operation.READ);

        assertThat(decision.denied()).isTrue();
        assertThat(decision.key()).isEmpty();
        assertThat(decision.reason())
                .isEqualTo(
                        "rule 'secrets-denied' (policy.yaml:7) matched: bucket in [data]; key in key-prefixes [secret/]");
    }

    @Test
    void shouldScopeRuleToPrincipalWhenPrincipalsAreListed() {
        PolicyDecision etl = ENGINE.decide("etl", "data", "x", Operation.WRITE);
        assertThat(etl.mode()).isEqualTo(Mode.SSE_KMS);
        assertThat(etl.key()).containsInstanceOf(KeyDefinition.KmsKey.class);
        assertThat(rule("web", "data", "x", Operation.WRITE)).isEqualTo("default");
        assertThat(rule(null, "data", "x", Operation.WRITE)).isEqualTo("default");
    }

    @Test
    void shouldScopeRuleToOperationWhenOperationsAreListed() {
        assertThat(rule("etl", "data", "x", Operation.READ)).isEqualTo("default");
        assertThat(rule("etl", "other", "x", Operation.DELETE)).isEqualTo("deletes-refused");
        assertThat(rule("etl", "other", "x", Operation.READ)).isEqualTo("default");
    }

    @Test
    void shouldMatchGlobsWhenWildcardsAreUsed() {
        assertThat(rule("web", "logs-prod", "a", Operation.READ)).isEqualTo("logs");
        assertThat(rule("web", "logs-", "a", Operation.READ)).isEqualTo("logs");
        assertThat(rule("web", "audit-01", "a", Operation.READ)).isEqualTo("logs");
        assertThat(rule("web", "audit-001", "a", Operation.READ)).isEqualTo("default");
        assertThat(rule("web", "xlogs-prod", "a", Operation.READ)).isEqualTo("default");
        assertThat(rule("web", "data", "reports/2024/q1.csv", Operation.READ)).isEqualTo("reports");
        assertThat(rule("web", "data", "reports/q1.csv.gz", Operation.READ)).isEqualTo("default");
        assertThat(rule("web", "data", "r1/x", Operation.READ)).isEqualTo("reports");
    }

    @Test
    void shouldSkipKeyRulesWhenRequestIsBucketLevel() {
        assertThat(rule("web", "data", null, Operation.OTHER)).isEqualTo("default");
        assertThat(rule("web", "logs-a", null, Operation.OTHER)).isEqualTo("logs");
        assertThat(rule("web", null, null, Operation.LIST)).isEqualTo("default");
    }

    @Test
    void shouldMatchKeyRuleWhenListingPrefixLiesInsideIt() {
        assertThat(rule("web", "data", "secret/", Operation.LIST)).isEqualTo("secrets-denied");
        assertThat(rule("web", "data", "secret/2024/", Operation.LIST)).isEqualTo("secrets-denied");
        assertThat(rule("web", "data", "reports/", Operation.LIST)).isEqualTo("default");
        assertThat(rule("web", "data", "r1/", Operation.LIST)).isEqualTo("reports");
    }

    @Test
    void shouldFallThroughWhenListingOnlyOverlapsKeyRule() {
        assertThat(rule("web", "data", "sec", Operation.LIST)).isEqualTo("default");
        assertThat(rule("web", "data", "", Operation.LIST)).isEqualTo("default");
        assertThat(ENGINE.explain("web", "data", null, Operation.LIST)
                        .skipped()
                        .get(0)
                        .why())
                .isEqualTo("listing prefix '' is not inside key-prefixes [secret/]");
    }

    @Test
    void shouldMatchListingWithoutPrefixWhenKeyGlobCoversEverything() {
        PolicyEngine engine = new PolicyEngine(PolicyParser.parse("""
                rules:
                  - name: all-keys
                    buckets: a.b
                    key-globs: "*"
                    mode: deny
                  - name: default
                    mode: passthrough
                """, "p.yaml"));

        assertThat(engine.decide("u", "a.b", null, Operation.LIST).rule().name())
                .isEqualTo("all-keys");
        assertThat(engine.decide("u", "a.b", "", Operation.LIST).rule().name()).isEqualTo("all-keys");
        assertThat(engine.decide("u", "a.b", null, Operation.OTHER).rule().name())
                .isEqualTo("default");
        assertThat(engine.decide("u", "axb", "k", Operation.READ).rule().name())
                .as("'.' in a glob is literal")
                .isEqualTo("default");
        assertThat(engine.explain("u", "a.b", null, Operation.OTHER)
                        .skipped()
                        .get(0)
                        .why())
                .isEqualTo("bucket-level request (no key); rule has key conditions");
    }

    @Test
    void shouldExplainEachSkippedRuleWhenExplaining() {
        PolicyExplanation explanation = ENGINE.explain("web", "data", "x", Operation.DELETE);

        assertThat(explanation.decision().rule().name()).isEqualTo("deletes-refused");
        assertThat(explanation.skipped())
                .extracting(PolicyExplanation.SkippedRule::rule)
                .containsExactly("secrets-denied", "etl-writes", "reports", "logs");
        assertThat(explanation.skipped())
                .extracting(PolicyExplanation.SkippedRule::why)
                .containsExactly(
                        "key 'x' matches none of key-prefixes [secret/]",
                        "principal 'web' is not one of [etl]",
                        "key 'x' matches none of key-globs [reports/*.csv, r?/*]",
                        "bucket 'data' matches none of [logs-*, audit-??]");
        assertThat(ENGINE.explain("web", "data", null, Operation.OTHER)
                        .skipped()
                        .get(0)
                        .why())
                .isEqualTo("bucket-level request (no key); rule has key conditions");
        assertThat(ENGINE.explain("web", "x", "k", Operation.READ)
                        .skipped()
                        .get(4)
                        .why())
                .isEqualTo("operation read is not one of [delete]");
    }

    private static final PolicyEngine GUARDED = new PolicyEngine(PolicyParser.parse("""
            rules:
              - name: nested-secrets
                key-prefixes: [a/secret/]
                mode: deny
              - name: no-pem
                key-globs: ["*.pem"]
                mode: deny
              - name: logs-list
                key-prefixes: [logs/]
                operations: [list]
                mode: deny
              - name: public
                key-prefixes: [public/]
                mode: passthrough
              - name: default
                mode: passthrough
            """, "policy.yaml"));

    @Test
    void shouldDenyASpellingThatAStoreReadsAsADeniedKey() {
        // S3Proxy reads "a//secret/x" as "a/secret/x" and "k.pem/" as "k.pem"
        for (String spelling : List.of("a//secret/x", "/a/secret/x", "a///secret/x", "k.pem/", "x//k.pem", "k.pem//")) {
            assertThat(GUARDED.decide("app", "b", spelling, Operation.READ).denied())
                    .as(spelling)
                    .isTrue();
            assertThat(GUARDED.decide("app", "b", spelling, Operation.DELETE).denied())
                    .as(spelling)
                    .isTrue();
        }
        assertThat(GUARDED.decide("app", "b", "a//secret/x", Operation.READ).reason())
                .isEqualTo("rule 'nested-secrets' (policy.yaml:2) matched: key in key-prefixes [a/secret/]"
                        + " for 'a/secret/x', the key a store may read 'a//secret/x' as");
        assertThat(GUARDED.explain("app", "b", "k.pem/", Operation.WRITE)
                        .decision()
                        .rule()
                        .name())
                .isEqualTo("no-pem");
        assertThat(GUARDED.decide("app", "b", "/logs/2024/", Operation.LIST).denied())
                .isTrue();
    }

    @Test
    void shouldDecideOnTheKeyAsSentWhenNoReadingOfItIsDenied() {
        // folder markers and other spellings keep the rule of the key as sent
        assertThat(GUARDED.decide("app", "b", "public/", Operation.WRITE).rule().name())
                .isEqualTo("public");
        assertThat(GUARDED.decide("app", "b", "public//x", Operation.READ)
                        .rule()
                        .name())
                .isEqualTo("public");
        assertThat(GUARDED.decide("app", "b", "pem/", Operation.READ).rule().name())
                .isEqualTo("default");
        assertThat(GUARDED.decide("app", "b", "/", Operation.READ).rule().name())
                .isEqualTo("default");
        assertThat(GUARDED.decide("app", "b", "logs/", Operation.READ).rule().name())
                .isEqualTo("default");
    }

    @Test
    void shouldUseDefaultRuleWhenNoPolicyFileIsConfigured() {
        PolicyDecision decision = new PolicyEngine(Policy.defaultOnly(Mode.PASSTHROUGH, null))
                .decide("anyone", "b", "k", Operation.WRITE);

        assertThat(decision.mode()).isEqualTo(Mode.PASSTHROUGH);
        assertThat(decision.options()).isEqualTo(RuleOptions.DEFAULTS);
        assertThat(decision.reason()).contains("is the default rule");
    }
}
