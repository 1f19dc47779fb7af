package dev.s3seal.policy;

import java.util.List;

/** A decision plus, for each rule before the one that matched, why it did not match. */
public record PolicyExplanation(PolicyDecision decision, List<SkippedRule> skipped) {

    public PolicyExplanation {
        skipped = List.copyOf(skipped);
    }

    /** A rule passed over, with the first of its conditions that failed. */
    public record SkippedRule(String rule, int line, String why) {}
}
