package dev.s3seal.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A validated policy: named keys and ordered rules, the last of which is the default rule.
 * Build one with {@code PolicyParser} or {@link #defaultOnly}.
 *
 * @param source where it came from (a file name), for messages
 */
public record Policy(String source, Map<String, KeyDefinition> keys, List<Rule> rules) {

    public Policy {
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        rules = List.copyOf(rules);
        if (rules.isEmpty() || !rules.get(rules.size() - 1).isDefault()) {
            throw new IllegalArgumentException(source + ": the last rule must be a default rule");
        }
        for (Rule rule : rules) {
            if (rule.keyName() != null && !keys.containsKey(rule.keyName())) {
                throw new IllegalArgumentException(
                        source + ": rule '" + rule.name() + "' uses undefined key '" + rule.keyName() + "'");
            }
        }
    }

    /**
     * The policy in force when no policy file is configured: one default rule.
     *
     * @param key the key the mode needs, or null for modes without a key
     */
    public static Policy defaultOnly(Mode mode, @Nullable KeyDefinition key) {
        if ((key != null) != requiresKey(mode)) {
            throw new IllegalArgumentException("mode " + mode + (key == null ? " needs a key" : " takes no key"));
        }
        SseCVariant variant = mode == Mode.SSE_C ? SseCVariant.PASS_THROUGH : null;
        Map<String, KeyDefinition> keys = key == null ? Map.of() : Map.of(key.name(), key);
        return new Policy(
                "built-in default policy",
                keys,
                List.of(Rule.catchAll("default", mode, variant, key == null ? null : key.name())));
    }

    private static boolean requiresKey(Mode mode) {
        return mode.keyKind() != Mode.KeyKind.NONE;
    }

    public Optional<KeyDefinition> key(String name) {
        return Optional.ofNullable(name).map(keys::get);
    }

    public Rule defaultRule() {
        return rules.get(rules.size() - 1);
    }
}
