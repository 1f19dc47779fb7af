package dev.s3seal.cli;

import dev.s3seal.cli.migrate.BucketMigrator;
import dev.s3seal.cli.migrate.MigrateReport;
import dev.s3seal.cli.migrate.MigrateVerdict;
import dev.s3seal.cli.migrate.MultipartRewrite;
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
 * {@code migrate}: encrypts, in place, the objects of a bucket stored before s3seal (plaintext, or encrypted only by
 * the store), as the policy's rule for each key says, with the proxy's configuration (policy, upstream, KMS).
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Encrypt, in place, the objects stored before s3seal, as the policy says.",
        description = {
            "%nUses the proxy's configuration: the policy file (S3SEAL_POLICY), the upstream (S3SEAL_UPSTREAM_ENDPOINT,"
                    + " _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, else the AWS default credentials) and KMS"
                    + " (S3SEAL_KMS_*). Lists the prefix directly from the upstream; each object whose rule for a write"
                    + " is cse-local or cse-kms (s3seal's format) and that is not encrypted yet is read and written back"
                    + " encrypted, streaming through the proxy's encryptor (multipart above --multipart-threshold), with"
                    + " its content type, content headers, user metadata and tags. Each read and write is pinned to the"
                    + " object's ETag (If-Match): an object a client writes meanwhile is never overwritten; it is"
                    + " examined again (up to 3 times).",
            "%nSkipped, not failures: objects already encrypted (so a rerun resumes where a run stopped), objects"
                    + " under passthrough, deny, sse-s3, sse-kms or sse-c rules (s3seal does not encrypt their bodies),"
                    + " objects deleted meanwhile. Failed: unsupported (a rule in the s3ec-v3 format, an SSE-C object),"
                    + " kept-changing, unreadable (the store refused), key-unavailable (KMS).",
            "%nOne line per object migrated (or, with --dry-run, that would be) or failed, then a summary line.%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every object is encrypted or was skipped with a reason (nothing failed)",
            "1:at least one object failed; each one was reported, rerun to retry them",
            ExitCodes.HELP_USAGE
        })
final class MigrateCommand implements Callable<Integer> {

    private static final int MAX_CONCURRENCY = 256;
    private static final long MIB = 1024 * 1024;

    private final ToolEnvironment environment;

    MigrateCommand(ToolEnvironment environment) {
        this.environment = environment;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private BucketOptions options;

    @Option(names = "--dry-run", description = "Only list what would be migrated; write nothing.")
    private boolean dryRun;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "4",
            description =
                    "Objects migrated at the same time (default ${DEFAULT-VALUE}, at most 256); memory grows with N,"
                            + " not with object sizes.")
    private int concurrency;

    @Option(
            names = "--multipart-threshold",
            paramLabel = "BYTES",
            defaultValue = "67108864",
            description = "Objects larger than this are written back as a multipart upload (default ${DEFAULT-VALUE},"
                    + " 64 MiB; S3's single PUT takes at most 5 GiB).")
    private long multipartThreshold;

    @Option(
            names = "--part-size",
            paramLabel = "BYTES",
            defaultValue = "16777216",
            description = "Plaintext bytes per part of a multipart rewrite (default ${DEFAULT-VALUE}, 16 MiB; at least"
                    + " 5 MiB, rounded up to the rule's segment size).")
    private long partSize;

    @Override
    public Integer call() {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be between 1 and " + MAX_CONCURRENCY);
        }
        options.check(spec);
        if (partSize < MultipartRewrite.MIN_PART_SIZE) {
            throw new ParameterException(spec.commandLine(), "--part-size must be at least 5 MiB (5242880)");
        }
        if (multipartThreshold < 0 || multipartThreshold > 5L * 1024 * MIB) {
            throw new ParameterException(spec.commandLine(), "--multipart-threshold must be between 0 and 5 GiB");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MigrateReport report;
        try (BucketTools tools = BucketTools.open(environment)) {
            BucketMigrator migrator =
                    new BucketMigrator(tools, options.principal, dryRun, multipartThreshold, partSize);
            MigrateReport[] running = new MigrateReport[1];
            report = StoppableRun.run("migrate", migrator::stop, () -> {
                MigrateReport done;
                try (ProgressDisplay progress = options.progress(
                        "migrate",
                        tools,
                        err,
                        () -> running[0] == null ? 0 : running[0].objects(),
                        () -> running[0] == null ? null : running[0].progress())) {
                    done = migrator.migrate(
                            options.bucket,
                            options.prefix,
                            dryRun,
                            concurrency,
                            verdict -> {
                                if (verdict.outcome() != MigrateVerdict.Outcome.SKIPPED) {
                                    out.println(MigrateReport.objectLine(options.bucket, verdict));
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
