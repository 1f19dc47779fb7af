package dev.s3seal.cli;

import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import dev.s3seal.cli.verify.BucketVerifier;
import dev.s3seal.cli.verify.VerifyReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: reads and authenticates every object under a prefix, straight from the upstream, with the proxy's
 * configuration (policy, upstream, KMS), keeping none of the data; reports each failure with its reason.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Read and authenticate every object under a prefix, keeping none of the data.",
        description = {
            "%nUses the proxy's configuration: the policy file (S3SEAL_POLICY), the upstream (S3SEAL_UPSTREAM_ENDPOINT,"
                    + " _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, else the AWS default credentials) and KMS"
                    + " (S3SEAL_KMS_*). Lists the prefix directly from the upstream and reads each object whose rule is"
                    + " cse-local or cse-kms whole, authenticating every segment (s3seal's format, single-part and"
                    + " sealed multipart) or the tag (the AWS S3 Encryption Client's format) under the policy's keys."
                    + " Objects under other rules (passthrough, sse-*, deny) are counted by mode, not read.",
            "%nEach failure is one line 'FAILED <reason> s3://bucket/key: detail', reasons: tampered, truncated,"
                    + " wrong-key (retired or wrong key, or copied from another name), not-encrypted (plaintext under a"
                    + " cse-* rule), unknown-format (damaged s3seal metadata, unsealed multipart upload), unreadable"
                    + " (the store or KMS failed: retry). Then a summary line; with --json one JSON report instead.%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every object verified (or was not encrypted by s3seal's rules)",
            "1:at least one object failed; each one was reported",
            ExitCodes.HELP_USAGE
        })
final class VerifyCommand implements Callable<Integer> {

    private static final int MAX_CONCURRENCY = 256;

    private final ToolEnvironment environment;

    VerifyCommand(ToolEnvironment environment) {
        this.environment = environment;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private BucketOptions options;

    @Option(names = "--json", description = "Print one JSON report (counts, rates, every failure) instead of lines.")
    private boolean json;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "4",
            description =
                    "Objects read at the same time (default ${DEFAULT-VALUE}); memory grows with N, not with object sizes.")
    private int concurrency;

    @Override
    public Integer call() {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be between 1 and " + MAX_CONCURRENCY);
        }
        options.check(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VerifyReport report;
        try (BucketTools tools = BucketTools.open(environment)) {
            BucketVerifier verifier = new BucketVerifier(tools, options.principal);
            VerifyReport[] running = new VerifyReport[1];
            try (ProgressDisplay progress = options.progress(
                    "verify",
                    tools,
                    err,
                    () -> running[0] == null ? 0 : running[0].objects(),
                    () -> running[0] == null ? null : running[0].progress())) {
                report = verifier.verify(
                        options.bucket,
                        options.prefix,
                        concurrency,
                        failure -> {
                            if (!json) {
                                out.println(VerifyReport.failureLine(options.bucket, failure));
                            }
                        },
                        started -> running[0] = started);
            }
        }
        out.println(json ? report.json() : report.summary());
        return report.failed() == 0 ? ExitCodes.OK : ExitCodes.OBJECTS_FAILED;
    }
}
