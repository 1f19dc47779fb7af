package dev.s3seal.cli;

import dev.s3seal.cli.rewrap.BucketRewrapper;
import dev.s3seal.cli.rewrap.RewrapReport;
import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rewrap}: re-wraps every object's data key under the key its rule names now (a new local key version,
 * another KMS key) by a metadata-only server-side copy of the object onto itself; bodies are never downloaded or
 * re-encrypted. With the proxy's configuration (policy, upstream, KMS), which must still hold the old keys.
 */
@Command(
        name = "rewrap",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Re-wrap data keys under the current key, without touching the bodies.",
        description = {
            "%nUses the proxy's configuration: the policy file (S3SEAL_POLICY), the upstream (S3SEAL_UPSTREAM_ENDPOINT,"
                    + " _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, else the AWS default credentials) and KMS"
                    + " (S3SEAL_KMS_*). Lists the prefix directly from the upstream; for each object whose rule is"
                    + " cse-local or cse-kms and whose envelope names another key than the one a write under that rule"
                    + " uses now (the active local version, the rule's KMS key, its encryption-context), unwraps the"
                    + " data key with the key the envelope names and wraps it under the current one, then copies the"
                    + " object onto itself server-side with the new envelope: all other metadata, content headers,"
                    + " storage class and tags are kept, the body stays on the upstream. Multipart objects keep their"
                    + " part layout (one UploadPartCopy per original part). Each copy is pinned to the ETag read, so an"
                    + " object a client rewrites meanwhile is left as the client wrote it (reported 'changed').",
            "%nObjects already under the current key are skipped, so a rerun resumes; Ctrl-C stops taking new objects,"
                    + " lets the copies in flight finish (each is one atomic write upstream) and prints the summary."
                    + " Object ACLs are not carried over (a copy is private unless the bucket enforces bucket-owner"
                    + " ownership); noncurrent versions keep their old wrap.",
            "%nPrinted: 'FAILED <reason> s3://bucket/key: detail' (wrong-key, tampered, unknown-format, changed,"
                    + " unreadable), 'SKIPPED <reason> ...' (s3ec-format: the AWS S3 Encryption Client's objects;"
                    + " not-encrypted: see migrate; gone), with --dry-run 'WOULD REWRAP s3://bucket/key: from -> to',"
                    + " then a summary line.%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every object is under its current key (or was skipped)",
            "1:at least one object failed; each one was reported, the others were rewrapped",
            ExitCodes.HELP_USAGE
        })
final class RewrapCommand implements Callable<Integer> {

    private static final int MAX_CONCURRENCY = 256;
    /** How long Ctrl-C waits for the copies in flight (a multipart copy of a large object takes a while). */
    private final ToolEnvironment environment;

    RewrapCommand(ToolEnvironment environment) {
        this.environment = environment;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private BucketOptions options;

    @Option(
            names = "--dry-run",
            description = "List what would be rewrapped (and from which key to which); change nothing.")
    private boolean dryRun;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "8",
            description =
                    "Objects rewrapped at the same time (default ${DEFAULT-VALUE}, at most " + MAX_CONCURRENCY + ").")
    private int concurrency;

    @Override
    public Integer call() {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be between 1 and " + MAX_CONCURRENCY);
        }
        options.check(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RewrapReport report;
        try (BucketTools tools = BucketTools.open(environment)) {
            BucketRewrapper rewrapper = new BucketRewrapper(tools, options.principal);
            RewrapReport[] running = new RewrapReport[1];
            report = StoppableRun.run("rewrap", rewrapper::stop, () -> {
                RewrapReport done;
                try (ProgressDisplay progress = options.progress(
                        "rewrap",
                        tools,
                        err,
                        () -> running[0] == null ? 0 : running[0].objects(),
                        () -> running[0] == null ? null : running[0].progress())) {
                    done = rewrapper.rewrap(
                            options.bucket,
                            options.prefix,
                            concurrency,
                            dryRun,
                            verdict -> {
                                String line = RewrapReport.line(options.bucket, verdict);
                                if (line != null) {
                                    out.println(line);
                                }
                            },
                            started -> running[0] = started);
                }
                out.println(done.summary());
                out.flush();
                return done;
            });
        }
        return report.failed() == 0 ? ExitCodes.OK : ExitCodes.OBJECTS_FAILED;
    }
}
