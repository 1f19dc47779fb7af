package dev.s3seal.cli.rewrap;

import dev.s3seal.cli.support.BucketListing;
import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.UpstreamCalls;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code rewrap}'s run: lists the prefix from the upstream and re-wraps up to {@code concurrency} objects at a time
 * ({@link ObjectRewrapper}) under the key their rule names for a write now. Memory is bounded by the concurrency:
 * one listing page and a few small answers per object in flight, never a body.
 *
 * <p>{@link #stop()} (Ctrl-C) stops taking new objects; the copies in flight finish, each of them an atomic write
 * upstream (a multipart copy that fails is aborted), so no object is ever half rewritten. Objects already under the
 * current key are skipped, so running the same command again resumes where the run stopped.
 */
public final class BucketRewrapper {

    private final BucketTools tools;
    private final ObjectRewrapper rewrapper;
    private final String principal;
    private final Sinks.One<Boolean> stop = Sinks.one();
    private volatile boolean stopped;

    public BucketRewrapper(BucketTools tools, String principal) {
        this.tools = tools;
        this.rewrapper = new ObjectRewrapper(new UpstreamCalls(tools.upstream()), tools.keys());
        this.principal = principal;
    }

    /** Stops taking new objects; the run returns once the objects in flight are done. */
    public void stop() {
        stopped = true;
        stop.tryEmitValue(true);
    }

    /**
     * Re-wraps every object under {@code prefix}; {@code onStart} gets the report being filled (for progress),
     * {@code onVerdict} sees each object's outcome as it is decided. Blocks until the last object.
     */
    public RewrapReport rewrap(
            String bucket,
            String prefix,
            int concurrency,
            boolean dryRun,
            Consumer<RewrapVerdict> onVerdict,
            Consumer<RewrapReport> onStart) {
        RewrapReport report = new RewrapReport(bucket, prefix, dryRun);
        onStart.accept(report);
        new BucketListing(tools.upstream())
                .objects(bucket, prefix)
                .takeUntilOther(stop.asMono())
                .flatMap(object -> rewrap(bucket, object.key(), dryRun), concurrency, 1)
                .doOnNext(verdict -> {
                    report.add(verdict);
                    onVerdict.accept(verdict);
                })
                .then()
                .block();
        report.finish(stopped);
        return report;
    }

    private Mono<RewrapVerdict> rewrap(String bucket, String key, boolean dryRun) {
        // the key a write of this object would use now: that is the key to re-wrap under
        PolicyDecision decision = tools.policy().decide(principal, bucket, key, Operation.WRITE);
        if (!decision.mode().clientSide() || decision.key().isEmpty()) {
            return Mono.just(RewrapVerdict.notChecked(key, decision.mode().yamlName()));
        }
        return rewrapper.rewrap(bucket, key, decision, dryRun);
    }
}
