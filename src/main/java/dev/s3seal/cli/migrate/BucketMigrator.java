package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.BucketListing;
import dev.s3seal.cli.support.BucketTools;
import java.util.function.Consumer;
import reactor.core.publisher.Sinks;

/**
 * {@code migrate}'s run: lists the prefix from the upstream and migrates up to {@code concurrency} objects at a time
 * ({@link ObjectMigrator}). Memory is bounded by the concurrency: one listing page, and a segment or two per object
 * in flight whatever the object sizes.
 *
 * <p>{@link #stop()} (Ctrl-C) stops taking new objects; the rewrites in flight finish, each of them conditional on
 * the object it read, so none is left half-written; already encrypted objects are skipped, so running the same
 * command again resumes where the run stopped.
 */
public final class BucketMigrator {

    private final BucketTools tools;
    private final ObjectMigrator migrator;
    private final Sinks.One<Boolean> stop = Sinks.one();
    private volatile boolean stopped;

    public BucketMigrator(BucketTools tools, String principal, boolean dryRun, long multipartThreshold, long partSize) {
        this.tools = tools;
        this.migrator = new ObjectMigrator(
                tools,
                new EncryptingRewrite(tools.upstream(), tools.keys(), multipartThreshold, partSize),
                principal,
                dryRun);
    }

    /** Takes no new object; the run ends when the rewrites in flight have. */
    public void stop() {
        stopped = true;
        stop.tryEmitValue(true);
    }

    /**
     * Migrates every object under {@code prefix}; {@code onVerdict} sees each as it is decided, {@code onStart} the
     * report as soon as it exists (for progress). Blocks until the last.
     */
    public MigrateReport migrate(
            String bucket,
            String prefix,
            boolean dryRun,
            int concurrency,
            Consumer<MigrateVerdict> onVerdict,
            Consumer<MigrateReport> onStart) {
        MigrateReport report = new MigrateReport(bucket, prefix, dryRun);
        onStart.accept(report);
        new BucketListing(tools.upstream())
                .objects(bucket, prefix)
                .takeUntilOther(stop.asMono())
                .flatMap(object -> migrator.migrate(bucket, object.key()), concurrency, 1)
                .doOnNext(verdict -> {
                    report.add(verdict);
                    onVerdict.accept(verdict);
                })
                .then()
                .block();
        report.finish(stopped);
        return report;
    }
}
