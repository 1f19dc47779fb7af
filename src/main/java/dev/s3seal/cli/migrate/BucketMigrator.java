package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.BucketListing;
import dev.s3seal.cli.support.BucketTools;
import java.util.function.Consumer;

/**
 * {@code migrate}'s run: lists the prefix from the upstream and migrates up to {@code concurrency} objects at a time
 * ({@link ObjectMigrator}). Memory is bounded by the concurrency: one listing page, and a segment or two per object
 * in flight whatever the object sizes.
 */
public final class BucketMigrator {

    private final BucketTools tools;
    private final ObjectMigrator migrator;

    public BucketMigrator(BucketTools tools, String principal, boolean dryRun, long multipartThreshold, long partSize) {
        this.tools = tools;
        this.migrator = new ObjectMigrator(
                tools,
                new EncryptingRewrite(tools.upstream(), tools.keys(), multipartThreshold, partSize),
                principal,
                dryRun);
    }

    /** Migrates every object under {@code prefix}; {@code onVerdict} sees each as it is decided. Blocks until the last. */
    public MigrateReport migrate(
            String bucket, String prefix, boolean dryRun, int concurrency, Consumer<MigrateVerdict> onVerdict) {
        MigrateReport report = new MigrateReport(bucket, prefix, dryRun);
        new BucketListing(tools.upstream())
                .objects(bucket, prefix)
                .flatMap(object -> migrator.migrate(bucket, object.key()), concurrency, 1)
                .doOnNext(verdict -> {
                    report.add(verdict);
                    onVerdict.accept(verdict);
                })
                .then()
                .block();
        report.finish();
        return report;
    }
}
