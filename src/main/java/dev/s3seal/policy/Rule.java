package dev.s3seal.policy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One policy rule. Conditions combine with AND; the values inside one condition with OR; an empty
 * condition matches anything. A rule without any condition is the default rule, which must be last.
 *
 * @param bucketGlobs  bucket name globs ({@code *} and {@code ?})
 * @param keyPrefixes  object key prefixes, matched with {@code key.startsWith(prefix)}
 * @param keyGlobs     object key globs ({@code *} matches any run of characters, {@code /} included)
 * @param principals   client names (the {@code name} of an {@code s3seal.clients} entry)
 * @param sseCVariant  for {@link Mode#SSE_C} only (otherwise null)
 * @param keyName      the key definition the rule uses, or null when its mode takes none
 * @param line         one-based line of the rule in its policy file (0 for built-in rules)
 */
public record Rule(
        String name,
        List<String> bucketGlobs,
        List<String> keyPrefixes,
        List<String> keyGlobs,
        Set<String> principals,
        Set<Operation> operations,
        Mode mode,
        @Nullable SseCVariant sseCVariant,
        @Nullable String keyName,
        RuleOptions options,
        int line) {

    public Rule {
        bucketGlobs = List.copyOf(bucketGlobs);
        keyPrefixes = List.copyOf(keyPrefixes);
        keyGlobs = List.copyOf(keyGlobs);
        principals = Set.copyOf(principals);
        operations = Set.copyOf(operations);
        if (name == null || mode == null || options == null) {
            throw new IllegalArgumentException("rule name, mode and options are required");
        }
        if ((mode == Mode.SSE_C) != (sseCVariant != null)) {
            throw new IllegalArgumentException("rule '" + name + "': an sse-c variant goes with mode sse-c only");
        }
    }

    /** A rule that matches every request: {@code mode} with the default options. */
    public static Rule catchAll(String name, Mode mode, @Nullable SseCVariant variant, @Nullable String keyName) {
        return new Rule(
                name,
                List.of(),
                List.of(),
                List.of(),
                Set.of(),
                Set.of(),
                mode,
                variant,
                keyName,
                RuleOptions.DEFAULTS,
                0);
    }

    public boolean hasKeyConditions() {
        return !keyPrefixes.isEmpty() || !keyGlobs.isEmpty();
    }

    /** True for the default rule: no bucket, key, principal or operation condition. */
    public boolean isDefault() {
        return bucketGlobs.isEmpty() && !hasKeyConditions() && principals.isEmpty() && operations.isEmpty();
    }

    public Optional<String> key() {
        return Optional.ofNullable(keyName);
    }
}
