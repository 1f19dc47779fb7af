package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.StoredObject;
import dev.s3seal.policy.Format;
import dev.s3seal.policy.PolicyDecision;

/**
 * What {@code migrate} does with one object, decided from the rule a write of it gets and what its HEAD shows:
 * encrypt it (a cse-* rule in s3seal's format, an object not encrypted yet), leave it (encrypted already, or a rule
 * under which s3seal does not encrypt bodies), or report it as failed (a cse-* rule whose work migrate cannot do).
 * Pure: no I/O.
 */
record MigrationPlan(Action action, String reason, String detail) {

    enum Action {
        ENCRYPT,
        SKIP,
        FAIL
    }

    static MigrationPlan decide(PolicyDecision decision, StoredObject stored) {
        String rule =
                "rule '" + decision.rule().name() + "' (" + decision.mode().yamlName() + ")";
        if (!decision.mode().clientSide()) {
            // passthrough stays as it is, deny is not touched; sse-* and sse-c are the store's encryption, which the
            // bucket's default encryption or the proxy's writes apply (docs/migration.md)
            return new MigrationPlan(
                    Action.SKIP,
                    "rule-" + decision.mode().yamlName(),
                    rule + ": s3seal does not encrypt the body under this rule");
        }
        if (stored.encrypted()) {
            return new MigrationPlan(
                    Action.SKIP,
                    MigrateVerdict.ALREADY_ENCRYPTED,
                    stored.s3sealEnvelope() ? "s3seal's format" : "the AWS S3 Encryption Client's format");
        }
        if (decision.options().format() != Format.S3SEAL) {
            return new MigrationPlan(
                    Action.FAIL,
                    MigrateVerdict.UNSUPPORTED,
                    rule + " writes the " + decision.options().format()
                            + " format; migrate writes s3seal's format only");
        }
        if (stored.customerKeyed()) {
            return new MigrationPlan(
                    Action.FAIL,
                    MigrateVerdict.UNSUPPORTED,
                    "stored under an SSE-C customer key, which migrate does not have");
        }
        return new MigrationPlan(Action.ENCRYPT, "", rule);
    }
}
