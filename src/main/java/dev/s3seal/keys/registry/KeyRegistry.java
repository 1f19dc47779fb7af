package dev.s3seal.keys.registry;

import dev.s3seal.keys.CachingKeyProvider;
import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.customer.InjectedCustomerKey;
import dev.s3seal.keys.kms.KmsKeyProvider;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.keys.local.LocalKeyProvider;
import dev.s3seal.keys.local.LocalKeyRing;
import dev.s3seal.keys.local.LocalMasterKey;
import dev.s3seal.keys.s3ec.S3ecKeys;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The key providers a policy's keys need, built once per policy version (reading local key files
 * happens here, never on a request path). Writers are per key name; readers per provider kind,
 * because what was wrapped names its own key and version.
 */
public final class KeyRegistry implements ObjectKeys, AutoCloseable {

    private final Policy policy;
    private final KmsSettings kmsSettings;
    private final KeyCacheSettings cacheSettings;
    private final LocalKeyRing localRing;
    private final Map<String, KeyProvider> writers = new ConcurrentHashMap<>();
    private final @Nullable KeyProvider localReader;
    private @Nullable KeyProvider kmsReader;
    private final Map<String, InjectedCustomerKey> customerKeys = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final S3ecKeys s3ecKeys;

    public KeyRegistry(Policy policy, KmsSettings kmsSettings, KeyCacheSettings cacheSettings) {
        this.policy = policy;
        this.kmsSettings = kmsSettings;
        this.cacheSettings = cacheSettings;
        this.localRing = localRing(policy);
        this.localReader = localRing.names().isEmpty()
                ? null
                : new CachingKeyProvider(
                        new LocalKeyProvider(
                                localRing, localRing.names().iterator().next()),
                        cacheSettings);
        // Everything is built here, off the request path: SDK clients read configuration files.
        policy.keys().values().stream()
                .filter(k -> k instanceof KeyDefinition.LocalKey || k instanceof KeyDefinition.KmsKey)
                .forEach(this::build);
        policy.keys().values().stream()
                .filter(k -> k instanceof KeyDefinition.CustomerKey)
                .map(k -> (KeyDefinition.CustomerKey) k)
                .forEach(k -> customerKeys.put(
                        k.name(),
                        InjectedCustomerKey.of(
                                k.file() != null
                                        ? LocalMasterKey.fromFile(k.name(), "1", Path.of(k.file()))
                                        : LocalMasterKey.fromEnv(k.name(), "1", k.env()))));
        policy.keys().values().stream()
                .filter(k -> k instanceof KeyDefinition.KmsKey)
                .findFirst()
                .ifPresent(k -> kmsReader =
                        new CachingKeyProvider(kmsProvider(((KeyDefinition.KmsKey) k).keyId()), cacheSettings));
        boolean anyKms = policy.keys().values().stream().anyMatch(k -> k instanceof KeyDefinition.KmsKey);
        this.s3ecKeys = new S3ecKeys(anyKms, kmsSettings, localRing);
        closeables.add(s3ecKeys);
    }

    /** The policy's keys in the AWS S3 Encryption Client's format (built with the registry). */
    public S3ecKeys s3ec() {
        return s3ecKeys;
    }

    public Policy policy() {
        return policy;
    }

    @Override
    public KeyProvider writer(java.util.Optional<KeyDefinition> ruleKey) {
        return writer(ruleKey.orElseThrow(() ->
                new KeyProviderException(KeyProviderException.Reason.UNKNOWN_KEY, "the policy rule names no key")));
    }

    /** The provider that makes data keys for objects written under {@code key} (built with the registry). */
    public KeyProvider writer(KeyDefinition key) {
        KeyProvider provider = writers.get(key.name());
        if (provider == null) {
            // a decision taken under a newer policy than this registry: the client retries
            throw new KeyProviderException(KeyProviderException.Reason.UNAVAILABLE, "key providers are being reloaded");
        }
        return provider;
    }

    /** The customer key {@code name} that {@code sse-c} inject rules send upstream (loaded with the registry). */
    public InjectedCustomerKey customerKey(String name) {
        InjectedCustomerKey key = customerKeys.get(name);
        if (key == null) {
            // a decision taken under a newer policy than this registry: the client retries
            throw new KeyProviderException(KeyProviderException.Reason.UNAVAILABLE, "key providers are being reloaded");
        }
        return key;
    }

    private void build(KeyDefinition key) {
        if (key instanceof KeyDefinition.LocalKey local) {
            writers.put(
                    local.name(), new CachingKeyProvider(new LocalKeyProvider(localRing, local.name()), cacheSettings));
        } else if (key instanceof KeyDefinition.KmsKey kms) {
            writers.put(kms.name(), new CachingKeyProvider(kmsProvider(kms.keyId()), cacheSettings));
        }
    }

    /** The key caches built for this policy (writers and readers), for metrics. */
    public List<CachingKeyProvider> caches() {
        java.util.Set<KeyProvider> all = new java.util.LinkedHashSet<>(writers.values());
        all.add(localReader);
        all.add(kmsReader);
        return all.stream()
                .filter(CachingKeyProvider.class::isInstance)
                .map(CachingKeyProvider.class::cast)
                .toList();
    }

    @Override
    public KeyProvider reader(WrappedKey wrapped) {
        String base = wrapped.baseProvider();
        if (WrappedKey.LOCAL.equals(base)) {
            if (localReader == null) {
                throw new KeyProviderException(
                        KeyProviderException.Reason.UNKNOWN_KEY, "no local master keys are configured");
            }
            return localReader;
        }
        if (WrappedKey.KMS.equals(base)) {
            if (kmsReader == null) {
                throw new KeyProviderException(
                        KeyProviderException.Reason.UNKNOWN_KEY, "no KMS key is configured in the policy");
            }
            return kmsReader;
        }
        throw new KeyProviderException(KeyProviderException.Reason.UNKNOWN_KEY, "unknown key provider kind");
    }

    /**
     * Legacy reads only (see {@link ObjectKeys#legacyContextFor}). It compares the policy's
     * {@code key-id} with the id KMS recorded, which is the key ARN, so it finds nothing for a key
     * named by alias or bare id: that is why writes now record their context in the envelope.
     */
    @Override
    public Map<String, String> legacyContextFor(String keyId) {
        return policy.keys().values().stream()
                .filter(k ->
                        k instanceof KeyDefinition.KmsKey kms && kms.keyId().equals(keyId))
                .map(k -> ((KeyDefinition.KmsKey) k).encryptionContext())
                .findFirst()
                .orElse(Map.of());
    }

    private KmsKeyProvider kmsProvider(String keyId) {
        KmsKeyProvider provider = KmsKeyProvider.create(keyId, kmsSettings);
        closeables.add(provider);
        return provider;
    }

    private static LocalKeyRing localRing(Policy policy) {
        LocalKeyRing.Builder ring = LocalKeyRing.builder();
        for (KeyDefinition key : policy.keys().values()) {
            if (key instanceof KeyDefinition.LocalKey local) {
                for (KeyDefinition.LocalKeyVersion version : local.versions()) {
                    String v = Integer.toString(version.version());
                    LocalMasterKey master = version.file() != null
                            ? LocalMasterKey.fromFile(local.name(), v, Path.of(version.file()))
                            : LocalMasterKey.fromEnv(local.name(), v, version.env());
                    ring.add(master);
                }
                ring.activate(local.name(), Integer.toString(local.activeVersion()));
            }
        }
        return ring.build();
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing SDK clients of a retired policy; nothing to recover
            }
        }
    }
}
