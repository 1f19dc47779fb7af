package dev.s3seal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.policy.file.PolicyParser;
import org.junit.jupiter.api.Test;

class KeysInUseTest {

    private static Policy policy(String keys, String writeKey) {
        return PolicyParser.parse("keys:\n" + keys + """
                rules:
                  - name: docs
                    key-prefixes: [docs/]
                    mode: cse-local
                    key: %s
                  - name: default
                    mode: passthrough
                """.formatted(writeKey), "policy.yaml");
    }

    private static final String MASTER_V1 = """
              master:
                type: local
                versions:
                  - {version: 1, env: MASTER_V1}
            """;
    private static final String MASTER_V1_V2 = """
              master:
                type: local
                active-version: 2
                versions:
                  - {version: 1, env: MASTER_V1}
                  - {version: 2, env: MASTER_V2}
            """;
    private static final String MASTER_V2 = """
              master:
                type: local
                active-version: 2
                versions:
                  - {version: 2, env: MASTER_V2}
            """;
    private static final String OTHER = """
              other:
                type: local
                versions:
                  - {version: 1, env: OTHER_V1}
            """;

    @Test
    void shouldRefuseDroppingTheKeyTheRulesWriteWithWhileMovingThemToAnother() {
        assertThat(KeysInUse.removedBy(policy(MASTER_V1, "master"), policy(OTHER, "other")))
                .hasValue("it removes key 'master', which the policy in force writes with");
    }

    @Test
    void shouldRefuseDroppingTheActiveVersion() {
        assertThat(KeysInUse.removedBy(policy(MASTER_V1, "master"), policy(MASTER_V2, "master")))
                .hasValue("it removes version 1 of key 'master', which the policy in force writes with");
    }

    @Test
    void shouldLetAKeyGoOnceNoRuleWritesWithIt() {
        assertThat(KeysInUse.removedBy(policy(MASTER_V1 + OTHER, "other"), policy(OTHER, "other")))
                .isEmpty();
    }

    @Test
    void shouldFollowTheRotationRunbook() {
        // step 1: a new active version next to the old; step 4: the old version goes
        assertThat(KeysInUse.removedBy(policy(MASTER_V1, "master"), policy(MASTER_V1_V2, "master")))
                .isEmpty();
        assertThat(KeysInUse.removedBy(policy(MASTER_V1_V2, "master"), policy(MASTER_V2, "master")))
                .isEmpty();
    }

    @Test
    void shouldLetRulesMoveWhileTheOldKeyStays() {
        assertThat(KeysInUse.removedBy(policy(MASTER_V1 + OTHER, "master"), policy(MASTER_V1 + OTHER, "other")))
                .isEmpty();
    }
}
