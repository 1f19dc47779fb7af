package dev.s3seal.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A named key that rules refer to. Definitions say where key material lives; they never hold it.
 * Loading and caching the material is the {@code keys} package's job.
 */
public sealed interface KeyDefinition {

    String name();

    /**
     * A KMS key, used by {@code sse-kms} (upstream encrypts) and {@code cse-kms} (data keys from
     * {@code GenerateDataKey}).
     *
     * @param keyId             key id, key ARN, alias name ({@code alias/...}) or alias ARN
     * @param encryptionContext extra context added to s3seal's own (which binds bucket and key)
     * @param bucketKey         S3 Bucket Keys for {@code sse-kms}; ignored by {@code cse-kms}
     */
    record KmsKey(String name, String keyId, Map<String, String> encryptionContext, boolean bucketKey)
            implements KeyDefinition {
        public KmsKey {
            encryptionContext = Map.copyOf(encryptionContext);
        }
    }

    /**
     * A local master key for {@code cse-local}, versioned for rotation: new objects use
     * {@code activeVersion}, reads use whichever version wrapped the object's data key.
     */
    record LocalKey(String name, List<LocalKeyVersion> versions, int activeVersion) implements KeyDefinition {
        public LocalKey {
            versions = List.copyOf(versions);
        }

        public LocalKeyVersion active() {
            return version(activeVersion).orElseThrow();
        }

        public Optional<LocalKeyVersion> version(int number) {
            return versions.stream().filter(v -> v.version() == number).findFirst();
        }
    }

    /**
     * One version of a local master key: 32 bytes, base64, read from a file (a mounted Kubernetes
     * secret) or an environment variable. Exactly one of {@code file} and {@code env} is set.
     */
    record LocalKeyVersion(
            int version, @Nullable String file, @Nullable String env) {}

    /**
     * A customer key that s3seal injects as SSE-C headers ({@code sse-c} with {@code variant: inject}):
     * 32 bytes, base64, from a file or an environment variable (exactly one is set).
     */
    record CustomerKey(
            String name, @Nullable String file, @Nullable String env) implements KeyDefinition {}
}
