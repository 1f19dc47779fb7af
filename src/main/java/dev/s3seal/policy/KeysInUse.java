package dev.s3seal.policy;

import java.util.Optional;
import java.util.TreeSet;

/**
 * Whether a new policy takes away a key the policy in force writes with. Objects written moments ago
 * are under that key, so such a policy would make them unreadable (403) the moment it is applied: a
 * replaced file that moves the rules to a new key and drops the old one in one step, or a typo in a
 * key's name. A reload that does it is refused; retiring a key is done in two steps (docs/rotation.md):
 * first the rules move to the new key and the objects are rewrapped, then the old key, no longer
 * written with, is removed.
 */
public final class KeysInUse {

    private KeysInUse() {}

    /** Why {@code next} may not replace {@code running}, or empty when it keeps every key written with. */
    public static Optional<String> removedBy(Policy running, Policy next) {
        TreeSet<String> written = new TreeSet<>();
        running.rules().forEach(rule -> rule.key().ifPresent(written::add));
        for (String name : written) {
            KeyDefinition now = running.keys().get(name);
            KeyDefinition then = next.keys().get(name);
            if (now == null) {
                continue;
            }
            if (then == null || then.getClass() != now.getClass()) {
                return Optional.of("it removes key '" + name + "', which the policy in force writes with");
            }
            if (now instanceof KeyDefinition.LocalKey local
                    && ((KeyDefinition.LocalKey) then)
                            .version(local.activeVersion())
                            .isEmpty()) {
                return Optional.of("it removes version " + local.activeVersion() + " of key '" + name
                        + "', which the policy in force writes with");
            }
        }
        return Optional.empty();
    }
}
