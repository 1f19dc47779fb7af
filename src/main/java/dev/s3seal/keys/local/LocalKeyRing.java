package dev.s3seal.keys.local;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The local master keys s3seal holds: several names, several versions each. Exactly one version
 * per name is <em>active</em> (used to wrap new data keys); every loaded version unwraps, so objects
 * written before a rotation stay readable. Immutable; rotation builds a new ring.
 */
public final class LocalKeyRing {

    private final Map<String, Map<String, LocalMasterKey>> keys;
    private final Map<String, LocalMasterKey> active;

    private LocalKeyRing(Map<String, Map<String, LocalMasterKey>> keys, Map<String, LocalMasterKey> active) {
        this.keys = keys;
        this.active = active;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The version of {@code name} that wraps new data keys. */
    public LocalMasterKey active(String name) {
        LocalMasterKey key = active.get(name);
        if (key == null) {
            throw new IllegalArgumentException("no local master key named " + name);
        }
        return key;
    }

    public Optional<LocalMasterKey> find(String name, String version) {
        Map<String, LocalMasterKey> versions = keys.get(name);
        return Optional.ofNullable(versions == null ? null : versions.get(version));
    }

    /** Every loaded version of {@code name}, the active one first (empty for an unknown name). */
    public java.util.List<LocalMasterKey> versions(String name) {
        Map<String, LocalMasterKey> versions = keys.getOrDefault(name, Map.of());
        java.util.List<LocalMasterKey> ordered = new java.util.ArrayList<>(versions.size());
        LocalMasterKey current = active.get(name);
        if (current != null) {
            ordered.add(current);
        }
        versions.values().stream().filter(v -> v != current).forEach(ordered::add);
        return ordered;
    }

    public Collection<String> names() {
        return active.keySet();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LocalKeyRing[");
        keys.forEach((name, versions) -> sb.append(name)
                .append(versions.keySet())
                .append(" active=")
                .append(active.get(name).version())
                .append("; "));
        return sb.append(']').toString();
    }

    public static final class Builder {
        private final Map<String, Map<String, LocalMasterKey>> keys = new LinkedHashMap<>();
        private final Map<String, String> activeVersions = new HashMap<>();

        public Builder add(LocalMasterKey key) {
            Map<String, LocalMasterKey> versions = keys.computeIfAbsent(key.name(), n -> new LinkedHashMap<>());
            if (versions.putIfAbsent(key.version(), key) != null) {
                throw new IllegalArgumentException(
                        "local master key " + key.name() + "/" + key.version() + " loaded twice");
            }
            return this;
        }

        /** Makes {@code version} the one that wraps new keys of {@code name}. */
        public Builder activate(String name, String version) {
            activeVersions.put(name, version);
            return this;
        }

        /** Adds {@code key} and makes it the active version of its name. */
        public Builder addActive(LocalMasterKey key) {
            return add(key).activate(key.name(), key.version());
        }

        public LocalKeyRing build() {
            Map<String, LocalMasterKey> active = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, LocalMasterKey>> e : keys.entrySet()) {
                String name = e.getKey();
                String version = activeVersions.get(name);
                if (version == null && e.getValue().size() == 1) {
                    version = e.getValue().keySet().iterator().next();
                }
                if (version == null) {
                    throw new IllegalArgumentException("local master key " + name + " has versions "
                            + e.getValue().keySet() + " but none is marked active");
                }
                LocalMasterKey key = e.getValue().get(version);
                if (key == null) {
                    throw new IllegalArgumentException(
                            "active version " + version + " of local master key " + name + " is not loaded");
                }
                active.put(name, key);
            }
            for (String name : activeVersions.keySet()) {
                if (!keys.containsKey(name)) {
                    throw new IllegalArgumentException("active version set for unknown local master key " + name);
                }
            }
            Map<String, Map<String, LocalMasterKey>> copy = new LinkedHashMap<>();
            keys.forEach((n, v) -> copy.put(n, Map.copyOf(v)));
            return new LocalKeyRing(Map.copyOf(copy), Map.copyOf(active));
        }
    }
}
