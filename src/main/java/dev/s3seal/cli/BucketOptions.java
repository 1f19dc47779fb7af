package dev.s3seal.cli;

import dev.s3seal.cli.support.BucketListing;
import dev.s3seal.cli.support.BucketTools;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What the bucket commands ({@code verify}, {@code rewrap}, {@code migrate}) are asked alike: which bucket and
 * prefix, as which principal the policy decides, and how often progress is shown. A picocli mixin, so the
 * options read the same in every command.
 */
final class BucketOptions {

    @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "The bucket to ${COMMAND-NAME}.")
    String bucket;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Only keys that start with PREFIX (default: the whole bucket).")
    String prefix;

    @Option(
            names = "--principal",
            paramLabel = "NAME",
            description = "Decide rules as for this client name (rules with 'principals:'); default: no principal.")
    String principal;

    @Option(
            names = "--progress-every",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Not on a terminal: a progress line on standard error this often (default ${DEFAULT-VALUE};"
                    + " 0: no progress at all). On a terminal a progress bar is shown instead.")
    int progressSeconds;

    /** A usage error for what the options' types let through. */
    void check(CommandSpec spec) {
        if (progressSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--progress-every must be 0 or more");
        }
    }

    /**
     * The progress display of a run of {@code command} over the bucket and prefix: a bar on a terminal (its total
     * from a separate listing), otherwise a line every {@code --progress-every} seconds ({@code 0}: none).
     */
    ProgressDisplay progress(
            String command, BucketTools tools, PrintWriter err, LongSupplier objectsDone, Supplier<String> line) {
        if (progressSeconds == 0) {
            return ProgressDisplay.none();
        }
        if (ProgressDisplay.onTerminal()) {
            return ProgressDisplay.bar(
                    command,
                    objectsDone::getAsLong,
                    new BucketListing(tools.upstream()).objects(bucket, prefix).count());
        }
        return ProgressDisplay.lines(err, Duration.ofSeconds(progressSeconds), line);
    }
}
