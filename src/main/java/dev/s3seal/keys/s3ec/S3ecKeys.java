package dev.s3seal.keys.s3ec;

import dev.s3seal.crypto.s3ec.AesGcmKeyWrap;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.crypto.s3ec.WrapAlgorithm;
import dev.s3seal.keys.kms.KmsKeyProvider;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.keys.local.LocalKeyRing;
import dev.s3seal.keys.local.LocalMasterKey;
import dev.s3seal.policy.KeyDefinition;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

/**
 * The policy's keys as the AWS S3 Encryption Client format uses them: a KMS key as the client's KMS keyring
 * ({@code kms+context}, the key definition's extra context as the client's encryption context), a local master
 * key as the client's raw AES keyring ({@code AES/GCM} wrap with the master key itself). Built with the
 * {@code KeyRegistry}, off the request path.
 *
 * <p>Unlike s3seal's own format, the client's format does not bind the wrapped data key to the object's name
 * (the client does not either): that is the price of interop, documented in docs/s3ec-interop.md.
 *
 * <p>The {@link SecretKey}s of local master keys are built once per registry and live as long as the master keys
 * themselves: a {@link SecretKeySpec} cannot be wiped, so making one per request would only scatter copies.
 */
public final class S3ecKeys implements AutoCloseable {

    private final @Nullable KmsAsyncClient kms;
    private final Duration kmsTimeout;
    private final Map<String, List<SecretKey>> localKeys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public S3ecKeys(boolean anyKmsKey, @Nullable KmsSettings kmsSettings, LocalKeyRing ring) {
        this.kms = anyKmsKey ? KmsKeyProvider.clientBuilder(kmsSettings).build() : null;
        this.kmsTimeout = kmsSettings == null ? KmsSettings.DEFAULT_CALL_TIMEOUT : kmsSettings.callTimeout();
        for (String name : ring.names()) {
            List<SecretKey> versions = new ArrayList<>();
            for (LocalMasterKey version : ring.versions(name)) {
                versions.add(new SecretKeySpec(version.material(), "AES"));
            }
            localKeys.put(name, List.copyOf(versions));
        }
    }

    /** Fresh V3 materials for one object written under {@code key}. */
    public Mono<S3ecEncryptionMaterials> materials(KeyDefinition key) {
        if (key instanceof KeyDefinition.KmsKey kmsKey && kms != null) {
            return S3ecEncryptionMaterials.kms(kms, kmsKey.keyId(), kmsKey.encryptionContext(), random, kmsTimeout);
        }
        if (key instanceof KeyDefinition.LocalKey && localKeys.containsKey(key.name())) {
            SecretKey active = localKeys.get(key.name()).get(0);
            return Mono.fromCallable(() -> S3ecEncryptionMaterials.aes(active, random));
        }
        return Mono.error(new S3ecException(
                S3ecException.Reason.KEY_UNWRAP_FAILED,
                "key " + key.name() + " cannot write the S3 Encryption Client format"));
    }

    /**
     * The data key of an object in the client's format, read under a rule whose key is {@code ruleKey}. Only the
     * rule's key may open it: a KMS wrap only under a KMS key, whose id goes into the Decrypt request (so KMS
     * refuses ciphertext of any other key); an AES/GCM wrap only under a local key, tried with that key's versions
     * (the active one first). Any other pairing is refused as a wrong key. The caller wipes the returned key.
     */
    public Mono<byte[]> unwrap(S3ecMetadata metadata, KeyDefinition ruleKey) {
        if (metadata.wrap() == WrapAlgorithm.KMS_CONTEXT) {
            if (!(ruleKey instanceof KeyDefinition.KmsKey kmsKey) || kms == null) {
                return Mono.error(new S3ecException(
                        S3ecException.Reason.KEY_UNWRAP_FAILED,
                        "the object's data key is KMS wrapped and the rule's key is not a KMS key"));
            }
            return S3ecKeyUnwrapper.kms(kms, kmsKey.keyId(), kmsTimeout).unwrap(metadata);
        }
        if (metadata.wrap() == WrapAlgorithm.AES_GCM) {
            if (!(ruleKey instanceof KeyDefinition.LocalKey)) {
                return Mono.error(new S3ecException(
                        S3ecException.Reason.KEY_UNWRAP_FAILED,
                        "the object's data key is AES/GCM wrapped and the rule's key is not a local master key"));
            }
            List<SecretKey> versions = localKeys.getOrDefault(ruleKey.name(), List.of());
            return Mono.fromCallable(() -> unwrapAes(metadata, versions));
        }
        return S3ecKeyUnwrapper.aes(null).unwrap(metadata); // refused with the codec's own reason
    }

    private static byte[] unwrapAes(S3ecMetadata metadata, List<SecretKey> candidates) {
        for (SecretKey candidate : candidates) {
            try {
                byte[] dataKey = AesGcmKeyWrap.unwrap(candidate, metadata.encryptedDataKey(), metadata.version());
                if (dataKey.length != S3ecContentKey.DATA_KEY_LENGTH) {
                    java.util.Arrays.fill(dataKey, (byte) 0);
                    throw new S3ecException(
                            S3ecException.Reason.MALFORMED_METADATA, "unwrapped data key is not 256 bits");
                }
                return dataKey;
            } catch (S3ecException wrongKey) {
                if (wrongKey.reason() != S3ecException.Reason.KEY_UNWRAP_FAILED) {
                    throw wrongKey;
                }
            }
        }
        throw new S3ecException(
                S3ecException.Reason.KEY_UNWRAP_FAILED,
                "no version of the rule's local master key unwraps the object's data key");
    }

    @Override
    public void close() {
        if (kms != null) {
            kms.close();
        }
    }
}
