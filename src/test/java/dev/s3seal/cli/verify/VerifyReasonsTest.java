package dev.s3seal.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.CliRun;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.verify.VerifyVerdict.Reason;
import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.keys.KeyProviderException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How {@code verify} names failures, and its report: no upstream needed. */
class VerifyReasonsTest {

    @Test
    void shouldNameEachFailureByWhatItMeans() {
        assertThat(reason(new AuthenticationFailedException(AuthenticationFailedException.Reason.TAG_MISMATCH, "x")))
                .isEqualTo(Reason.TAMPERED);
        assertThat(reason(
                        new AuthenticationFailedException(AuthenticationFailedException.Reason.MANIFEST_MISMATCH, "x")))
                .isEqualTo(Reason.TAMPERED);
        assertThat(reason(new AuthenticationFailedException(AuthenticationFailedException.Reason.LENGTH_MISMATCH, "x")))
                .isEqualTo(Reason.TRUNCATED);
        assertThat(reason(new AuthenticationFailedException(AuthenticationFailedException.Reason.TRUNCATED, "x")))
                .isEqualTo(Reason.TRUNCATED);
        assertThat(reason(new KeyProviderException(KeyProviderException.Reason.INVALID_CIPHERTEXT, "x")))
                .isEqualTo(Reason.WRONG_KEY);
        assertThat(reason(new KeyProviderException(KeyProviderException.Reason.ACCESS_DENIED, "disabled key")))
                .isEqualTo(Reason.WRONG_KEY);
        assertThat(reason(new KeyProviderException(KeyProviderException.Reason.THROTTLED, "x")))
                .isEqualTo(Reason.UNREADABLE);
        assertThat(reason(new S3ecException(S3ecException.Reason.AUTHENTICATION_FAILED, "x")))
                .isEqualTo(Reason.TAMPERED);
        assertThat(reason(new S3ecException(S3ecException.Reason.KEY_UNWRAP_FAILED, "x")))
                .isEqualTo(Reason.WRONG_KEY);
        assertThat(reason(new S3ecException(S3ecException.Reason.MALFORMED_METADATA, "x")))
                .isEqualTo(Reason.UNKNOWN_FORMAT);
        assertThat(reason(new java.io.IOException("connection reset"))).isEqualTo(Reason.UNREADABLE);
    }

    @Test
    void shouldSummariseAndReportAsJson() {
        VerifyReport report = new VerifyReport("b", "p/");
        report.add(VerifyVerdict.ok("p/a", 100));
        report.add(VerifyVerdict.failed("p/b", 50, Reason.TAMPERED, "tag_mismatch: segment 0"));
        report.add(VerifyVerdict.notChecked("p/c", "passthrough"));
        report.finish();

        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.summary())
                .startsWith("verified s3://b/p/: 3 objects, 150 bytes read; ok 1, failed 1 (tampered 1),"
                        + " not encrypted by s3seal's rules 1 (passthrough 1); ");
        assertThat(VerifyReport.failureLine("b", VerifyVerdict.failed("k", 0, Reason.WRONG_KEY, "why")))
                .isEqualTo("FAILED wrong-key s3://b/k: why");
        JsonNode json = JsonMapper.builder().build().readTree(report.json());
        assertThat(json.get("objects").asLong()).isEqualTo(3);
        assertThat(json.get("failedByReason").get("tampered").asLong()).isEqualTo(1);
        assertThat(json.get("notCheckedByMode").get("passthrough").asLong()).isEqualTo(1);
        assertThat(json.get("failures").get(0).get("key").asString()).isEqualTo("p/b");
        assertThat(json.get("failures").get(0).get("reason").asString()).isEqualTo("tampered");
    }

    @Test
    void shouldRefuseAConfigurationWithoutPolicyOrUpstream() {
        CliRun noPolicy = CliRun.with(Map.of(), "verify", "--bucket", "b");
        CliRun noUpstream = CliRun.with(Map.of("s3seal.policy", "/nonexistent/policy.yaml"), "verify", "--bucket", "b");
        CliRun badConcurrency = CliRun.with(Map.of(), "verify", "--bucket", "b", "--concurrency", "0");

        assertThat(noPolicy.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPolicy.err()).contains("S3SEAL_POLICY");
        assertThat(noUpstream.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badConcurrency.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badConcurrency.err()).contains("--concurrency");
    }

    private static Reason reason(Throwable error) {
        return ObjectVerifier.failure("k", 0, error).reason();
    }
}
