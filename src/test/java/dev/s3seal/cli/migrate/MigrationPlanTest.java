package dev.s3seal.cli.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.support.StoredObject;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.PolicyEngine;
import dev.s3seal.policy.file.PolicyParser;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** What migrate decides for an object from its rule and its HEAD, and what it reads from the HEAD. */
class MigrationPlanTest {

    private static final PolicyEngine ENGINE = new PolicyEngine(PolicyParser.parse("""
            keys:
              kms: {type: kms, key-id: alias/k}
              master:
                type: local
                versions: [{version: 1, env: M1}]
            rules:
              - {name: open, key-prefixes: [public/], mode: passthrough}
              - {name: refused, key-prefixes: [secret/], mode: deny}
              - {name: store, key-prefixes: [sse/], mode: sse-s3}
              - {name: interop, key-prefixes: [s3ec/], mode: cse-local, key: master, options: {format: s3ec-v3}}
              - {name: kms, key-prefixes: [kms/], mode: cse-kms, key: kms}
              - {name: default, mode: cse-local, key: master}
            """, "policy.yaml"));

    private static final String MD5 = "5d41402abc4b2a76b9719d911017c592";

    @Test
    void shouldEncryptPlaintextAndStoreOnlyEncryptedObjectsUnderCseRules() {
        assertThat(plan("docs/a", plain()).action()).isEqualTo(MigrationPlan.Action.ENCRYPT);
        assertThat(plan("kms/a", plain()).action()).isEqualTo(MigrationPlan.Action.ENCRYPT);
        HttpHeaders sseS3 = plain();
        sseS3.set("x-amz-server-side-encryption", "AES256");
        assertThat(plan("docs/a", sseS3).action()).isEqualTo(MigrationPlan.Action.ENCRYPT);
    }

    @Test
    void shouldSkipObjectsAlreadyEncryptedInEitherFormat() {
        HttpHeaders s3seal = plain();
        s3seal.set("x-amz-meta-s3seal-v", "1");
        assertThat(plan("docs/a", s3seal))
                .extracting(MigrationPlan::action, MigrationPlan::reason)
                .containsExactly(MigrationPlan.Action.SKIP, MigrateVerdict.ALREADY_ENCRYPTED);
        HttpHeaders s3ec = plain();
        s3ec.set("x-amz-meta-x-amz-c", "115");
        s3ec.set("x-amz-meta-x-amz-3", "wrapped");
        s3ec.set("x-amz-meta-x-amz-w", "12");
        assertThat(plan("docs/a", s3ec).reason()).isEqualTo(MigrateVerdict.ALREADY_ENCRYPTED);
    }

    @Test
    void shouldSkipWithTheModeWhenTheRuleHasNoClientSideEncryption() {
        assertThat(plan("public/a", plain()))
                .extracting(MigrationPlan::action, MigrationPlan::reason)
                .containsExactly(MigrationPlan.Action.SKIP, "rule-passthrough");
        assertThat(plan("secret/a", plain()).reason()).isEqualTo("rule-deny");
        assertThat(plan("sse/a", plain()).reason()).isEqualTo("rule-sse-s3");
    }

    @Test
    void shouldFailWhatMigrateCannotWrite() {
        assertThat(plan("s3ec/a", plain()))
                .extracting(MigrationPlan::action, MigrationPlan::reason)
                .containsExactly(MigrationPlan.Action.FAIL, MigrateVerdict.UNSUPPORTED);
        HttpHeaders customerKeyed = plain();
        customerKeyed.set("x-amz-server-side-encryption-customer-algorithm", "AES256");
        assertThat(plan("docs/a", customerKeyed).action()).isEqualTo(MigrationPlan.Action.FAIL);
    }

    @Test
    void shouldTakeTheEtagAsThePlaintextMd5OnlyWhenItIsOne() {
        assertThat(StoredObject.of(plain()).knownMd5()).isEqualTo(HexFormat.of().parseHex(MD5));
        HttpHeaders multipart = plain();
        multipart.setETag("\"" + MD5 + "-3\"");
        assertThat(StoredObject.of(multipart).knownMd5()).isNull();
        HttpHeaders kms = plain();
        kms.set("x-amz-server-side-encryption", "aws:kms");
        assertThat(StoredObject.of(kms).knownMd5())
                .as("an SSE-KMS object's ETag is not its MD5")
                .isNull();
    }

    @Test
    void shouldCarryContentHeadersMetadataAndTheStoresEncryptionButNotLengthsOrEnvelope() {
        HttpHeaders head = plain();
        head.set("Content-Type", "text/csv");
        head.set("Cache-Control", "no-cache");
        head.set("x-amz-meta-owner", "me");
        head.set("x-amz-server-side-encryption", "aws:kms");
        head.set("x-amz-server-side-encryption-aws-kms-key-id", "arn:k");
        head.set("x-amz-meta-s3seal-v", "1");
        head.set("x-amz-tagging-count", "2");
        StoredObject stored = StoredObject.of(head);
        assertThat(stored.carriedHeaders())
                .containsOnlyKeys(
                        "content-type",
                        "cache-control",
                        "x-amz-meta-owner",
                        "x-amz-server-side-encryption",
                        "x-amz-server-side-encryption-aws-kms-key-id");
        assertThat(stored.tagCount()).isEqualTo(2);
        assertThat(stored.length()).isEqualTo(5);
    }

    @Test
    void shouldTurnATagSetIntoTheTaggingHeader() {
        byte[] xml = ("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>team</Key>"
                        + "<Value>blue</Value></Tag><Tag><Key>a b</Key><Value>c+d=e/f</Value></Tag></TagSet></Tagging>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ObjectMigrator.taggingHeader(xml)).isEqualTo("team=blue&a%20b=c%2Bd%3De%2Ff");
    }

    @Test
    void shouldSplitALargeObjectIntoEqualSegmentAlignedParts() {
        assertThat(MultipartRewrite.partLengths(12L * 1024 * 1024 + 5, 5L * 1024 * 1024, 65536))
                .containsExactly(5L * 1024 * 1024, 5L * 1024 * 1024, 2L * 1024 * 1024 + 5);
        long[] rounded = MultipartRewrite.partLengths(20L * 1024 * 1024, 6_000_000, 65536);
        assertThat(rounded[0] % 65536).isZero();
        assertThat(rounded[0]).isGreaterThanOrEqualTo(6_000_000);
        long[] many = MultipartRewrite.partLengths(200_000L * 1024 * 1024, 5L * 1024 * 1024, 65536);
        assertThat(many.length).as("S3's part limit").isLessThanOrEqualTo(10_000);
    }

    private static MigrationPlan plan(String key, HttpHeaders head) {
        PolicyDecision decision = ENGINE.decide(null, "data", key, Operation.WRITE);
        return MigrationPlan.decide(decision, StoredObject.of(head));
    }

    private static HttpHeaders plain() {
        HttpHeaders head = new HttpHeaders();
        head.setETag("\"" + MD5 + "\"");
        head.setContentLength(5);
        return head;
    }
}
