package dev.s3seal.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Decides which rule of a {@link Policy} applies to a request. Immutable and thread-safe; globs are
 * compiled once, when the engine is built.
 *
 * <p>Matching, rules in order, first match wins:
 * <ul>
 * <li>bucket: any of the rule's bucket globs matches the bucket (a request without a bucket, such
 *     as ListBuckets, matches only rules without bucket globs);</li>
 * <li>key, for object requests: {@code key.startsWith(prefix)} for any key prefix, or any key glob
 *     matches the whole key;</li>
 * <li>bucket-level requests (key null) match only rules without key conditions;</li>
 * <li>{@link Operation#LIST} passes the listing's {@code prefix} as the key. A rule with key
 *     conditions matches a listing only when <em>every</em> key the listing can return is inside
 *     the rule: the listing prefix starts with one of the rule's prefixes, or one of its key globs
 *     ends with {@code *} and matches the listing prefix. A listing that merely overlaps a rule
 *     (prefix {@code ""} against a rule for {@code secret/}) falls through to broader rules, so a
 *     {@code deny} on a key prefix refuses the objects but does not hide their names from a
 *     bucket-wide listing; deny {@code list} on the bucket for that;</li>
 * <li>principal: the client name is one of the rule's principals (anonymous, null, matches only
 *     rules without principals);</li>
 * <li>operation: one of the rule's operations.</li>
 * </ul>
 *
 * <p>A key a store may read as another ({@link StoreReadings}: {@code a//b} as {@code a/b}, {@code k.pem/}
 * as {@code k.pem}) is decided under both names, and a denial of either is the answer, so no spelling
 * reaches an object a deny rule protects; otherwise the key as sent decides.
 */
public final class PolicyEngine {

    private final Policy policy;
    private final List<CompiledRule> rules;

    public PolicyEngine(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rules = policy.rules().stream().map(CompiledRule::new).toList();
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @param principal the authenticated client's name, or null for anonymous requests
     * @param bucket    the bucket, or null for service-level requests
     * @param key       the object key; for {@link Operation#LIST} the listing prefix; null for bucket-level requests
     */
    public PolicyDecision decide(
            @Nullable String principal, @Nullable String bucket, @Nullable String key, Operation operation) {
        Request request = new Request(principal, bucket, key, operation);
        PolicyDecision asSent = decision(firstMatch(request), request);
        String reading = StoreReadings.otherReading(key, operation == Operation.LIST);
        if (reading == null || asSent.denied()) {
            return asSent;
        }
        Request read = request.named(reading);
        PolicyDecision asRead = decision(firstMatch(read), read);
        return asRead.denied() ? readingDenial(asRead, reading, key) : asSent;
    }

    /**
     * Like {@link #decide}, plus why each earlier rule was passed over (for the key as sent, or for the
     * store's reading of it when that reading is what denies).
     */
    public PolicyExplanation explain(
            @Nullable String principal, @Nullable String bucket, @Nullable String key, Operation operation) {
        Request request = new Request(principal, bucket, key, operation);
        PolicyExplanation asSent = explain(request);
        String reading = StoreReadings.otherReading(key, operation == Operation.LIST);
        if (reading == null || asSent.decision().denied()) {
            return asSent;
        }
        PolicyExplanation asRead = explain(request.named(reading));
        return asRead.decision().denied()
                ? new PolicyExplanation(readingDenial(asRead.decision(), reading, key), asRead.skipped())
                : asSent;
    }

    private PolicyExplanation explain(Request request) {
        List<PolicyExplanation.SkippedRule> skipped = new ArrayList<>();
        for (CompiledRule rule : rules) {
            String why = rule.whyNot(request);
            if (why == null) {
                return new PolicyExplanation(decision(rule, request), skipped);
            }
            skipped.add(new PolicyExplanation.SkippedRule(rule.rule.name(), rule.rule.line(), why));
        }
        throw new IllegalStateException("the default rule always matches");
    }

    private CompiledRule firstMatch(Request request) {
        for (CompiledRule rule : rules) {
            if (rule.whyNot(request) == null) {
                return rule;
            }
        }
        throw new IllegalStateException("the default rule always matches");
    }

    /** The denial of the store's reading, its reason naming both spellings. */
    private static PolicyDecision readingDenial(PolicyDecision denial, String reading, @Nullable String key) {
        return new PolicyDecision(
                denial.rule(),
                denial.mode(),
                denial.key(),
                denial.options(),
                denial.reason() + " for '" + reading + "', the key a store may read '" + key + "' as");
    }

    private PolicyDecision decision(CompiledRule compiled, Request request) {
        Rule rule = compiled.rule;
        Optional<KeyDefinition> key = policy.key(rule.keyName());
        return new PolicyDecision(rule, rule.mode(), key, rule.options(), compiled.reason(request, policy.source()));
    }

    private record Request(
            @Nullable String principal,
            @Nullable String bucket,
            @Nullable String key,
            Operation operation) {
        Request {
            Objects.requireNonNull(operation, "operation");
            if (key != null && key.isEmpty()) {
                key = null; // an empty listing prefix lists everything; an empty reading names no object
            }
        }

        /** The same request for another spelling of its key. */
        Request named(String otherKey) {
            return new Request(principal, bucket, otherKey, operation);
        }
    }

    private static final class CompiledRule {
        final Rule rule;
        final List<Glob> buckets;
        final List<Glob> keyGlobs;

        CompiledRule(Rule rule) {
            this.rule = rule;
            this.buckets = rule.bucketGlobs().stream().map(Glob::compile).toList();
            this.keyGlobs = rule.keyGlobs().stream().map(Glob::compile).toList();
        }

        /** Null when the rule matches, otherwise the first condition that failed. */
        @Nullable
        String whyNot(Request r) {
            if (!buckets.isEmpty() && (r.bucket == null || buckets.stream().noneMatch(g -> g.matches(r.bucket)))) {
                return r.bucket == null
                        ? "request has no bucket; rule needs one of buckets " + rule.bucketGlobs()
                        : "bucket '" + r.bucket + "' matches none of " + rule.bucketGlobs();
            }
            if (rule.hasKeyConditions() && !keyMatches(r)) {
                if (r.key == null && r.operation != Operation.LIST) {
                    return "bucket-level request (no key); rule has key conditions";
                }
                String what = r.operation == Operation.LIST
                        ? "listing prefix '" + (r.key == null ? "" : r.key) + "' is not inside "
                        : "key '" + r.key + "' matches none of ";
                return what + keyConditions();
            }
            if (!rule.principals().isEmpty()
                    && (r.principal == null || !rule.principals().contains(r.principal))) {
                return "principal " + (r.principal == null ? "(anonymous)" : "'" + r.principal + "'")
                        + " is not one of " + new java.util.TreeSet<>(rule.principals());
            }
            if (!rule.operations().isEmpty() && !rule.operations().contains(r.operation)) {
                return "operation " + r.operation.yamlName() + " is not one of " + operations();
            }
            return null;
        }

        private boolean keyMatches(Request r) {
            boolean listing = r.operation == Operation.LIST;
            if (r.key == null && !listing) {
                return false;
            }
            // A listing without a prefix can return any key: only a glob such as "*" covers it.
            String key = r.key == null ? "" : r.key;
            for (String prefix : rule.keyPrefixes()) {
                if (key.startsWith(prefix)) {
                    return true;
                }
            }
            for (Glob glob : keyGlobs) {
                if (listing ? glob.coversPrefix(key) : glob.matches(key)) {
                    return true;
                }
            }
            return false;
        }

        String reason(Request r, String source) {
            StringBuilder reason = new StringBuilder("rule '")
                    .append(rule.name())
                    .append("' (")
                    .append(source)
                    .append(':')
                    .append(rule.line())
                    .append(")");
            if (rule.isDefault()) {
                return reason.append(" is the default rule").toString();
            }
            reason.append(" matched:");
            if (!buckets.isEmpty()) {
                reason.append(" bucket in ").append(rule.bucketGlobs()).append(';');
            }
            if (rule.hasKeyConditions()) {
                reason.append(" key in ").append(keyConditions()).append(';');
            }
            if (!rule.principals().isEmpty()) {
                reason.append(" principal '").append(r.principal).append("';");
            }
            if (!rule.operations().isEmpty()) {
                reason.append(" operation ").append(r.operation.yamlName()).append(';');
            }
            reason.setLength(reason.length() - 1);
            return reason.toString();
        }

        private String keyConditions() {
            List<String> parts = new ArrayList<>();
            if (!rule.keyPrefixes().isEmpty()) {
                parts.add("key-prefixes " + rule.keyPrefixes());
            }
            if (!rule.keyGlobs().isEmpty()) {
                parts.add("key-globs " + rule.keyGlobs());
            }
            return String.join(" or ", parts);
        }

        private List<String> operations() {
            return rule.operations().stream().sorted().map(Operation::yamlName).toList();
        }
    }
}
