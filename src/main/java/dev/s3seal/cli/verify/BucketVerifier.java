package dev.s3seal.cli.verify;

import dev.s3seal.cli.support.BucketListing;
import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * {@code verify}'s run: lists the prefix from the upstream and verifies up to {@code concurrency} objects at a time
 * ({@link ObjectVerifier}); objects whose rule has s3seal encrypt them (cse-*) are read and authenticated, the
 * others are counted by the rule's mode. Memory is bounded by the concurrency: one listing page and one segment per
 * object in flight.
 */
public final class BucketVerifier {

    private final BucketTools tools;
    private final ObjectVerifier verifier;
    private final String principal;

    public BucketVerifier(BucketTools tools, String principal) {
        this.tools = tools;
        this.verifier = new ObjectVerifier(tools.upstream(), tools.keys());
        this.principal = principal;
    }

    /**
     * Verifies every object under {@code prefix}; {@code onStart} gets the report being filled (for progress lines),
     * {@code onFailure} sees each failure as it is found. Blocks until the last object.
     */
    public VerifyReport verify(
            String bucket,
            String prefix,
            int concurrency,
            Consumer<VerifyVerdict> onFailure,
            Consumer<VerifyReport> onStart) {
        VerifyReport report = new VerifyReport(bucket, prefix);
        onStart.accept(report);
        new BucketListing(tools.upstream())
                .objects(bucket, prefix)
                .flatMap(object -> verify(bucket, object.key()), concurrency, 1)
                .doOnNext(verdict -> {
                    report.add(verdict);
                    if (verdict.outcome() == VerifyVerdict.Outcome.FAILED) {
                        onFailure.accept(verdict);
                    }
                })
                .then()
                .block();
        report.finish();
        return report;
    }

    private Mono<VerifyVerdict> verify(String bucket, String key) {
        PolicyDecision decision = tools.policy().decide(principal, bucket, key, Operation.READ);
        if (!decision.mode().clientSide()) {
            return Mono.just(VerifyVerdict.notChecked(key, decision.mode().yamlName()));
        }
        return verifier.verify(bucket, key, decision);
    }
}
