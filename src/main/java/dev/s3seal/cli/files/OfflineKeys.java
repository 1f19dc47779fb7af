package dev.s3seal.cli.files;

import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.cli.support.ToolEnvironment;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.crypto.s3ec.WrapAlgorithm;
import dev.s3seal.keys.CachingKeyProvider;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.kms.KmsKeyProvider;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.keys.local.LocalKeyFile;
import dev.s3seal.keys.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.keys.s3ec.S3ecKeyUnwrapper;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

/**
 * The key providers of one file command, built from its {@link KeyOptions}: the proxy's own providers
 * ({@code keys}) and the S3 Encryption Client codec's unwrapper ({@code crypto.s3ec}), so a file is read and
 * written exactly as the proxy would. KMS clients are made on first use and closed with this object; a
 * key file is read when a key from it is needed, and wiped on close.
 */
public final class OfflineKeys implements AutoCloseable {

    private final KeyOptions options;
    private final ToolEnvironment environment;
    private final SecureRandom random = new SecureRandom();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private KmsSettings kmsSettings;
    private KmsAsyncClient kmsClient;

    public OfflineKeys(KeyOptions options, ToolEnvironment environment) {
        this.options = options;
        this.environment = environment;
    }

    /** The extra KMS encryption context the options give (the policy key's {@code encryption-context}). */
    java.util.Map<String, String> context() {
        return options.context;
    }

    /** The KMS key the options name, or null. */
    String kmsKeyId() {
        return options.kmsKeyId;
    }

    /** The data key of an object in s3seal's format, unwrapped for the object's name; the caller wipes it. */
    Mono<byte[]> unwrap(EnvelopeMetadata envelope, KeyContext context) {
        WrappedKey wrapped =
                new WrappedKey(envelope.providerKind(), envelope.keyId(), envelope.keyVersion(), envelope.wrappedKey());
        return Mono.defer(() -> reader(wrapped).unwrap(wrapped, context));
    }

    private KeyProvider reader(WrappedKey wrapped) {
        String base = wrapped.baseProvider();
        if (WrappedKey.LOCAL.equals(base)) {
            String version = wrapped.keyVersion() == null ? "null" : wrapped.keyVersion();
            return localFile(
                            wrapped.keyId(),
                            version,
                            "the object's data key is wrapped by local master key " + wrapped.keyId() + " version "
                                    + version + "; give its file with --key-file")
                    .provider();
        }
        if (WrappedKey.KMS.equals(base)) {
            return new CachingKeyProvider(kmsProvider(wrapped.keyId()), KeyCacheSettings.disabled());
        }
        throw CommandFailure.objectFailed(
                "the object's data key is wrapped by '" + wrapped.provider()
                        + "', which cannot be opened offline (an emulated SSE-C object needs the customer key through the proxy)");
    }

    /** A fresh data key for a new object in s3seal's format, wrapped under the local key file or the KMS key. */
    Mono<DataKey> generate(String keyName, String keyVersion, String kmsKeyId, KeyContext context) {
        KeyProvider provider = kmsKeyId != null
                ? kmsProvider(kmsKeyId)
                : localFile(keyName, keyVersion, "give --key-file or --kms-key-id")
                        .provider();
        return Mono.defer(() -> provider.generateDataKey(context));
    }

    /** The data key of an object in the S3 Encryption Client's format; the caller wipes it. */
    Mono<byte[]> unwrap(S3ecMetadata metadata, String kmsKeyId) {
        if (metadata.wrap() == WrapAlgorithm.AES_GCM) {
            return S3ecKeyUnwrapper.aes(localFile(
                                    "s3ec",
                                    "1",
                                    "the object's data key is AES/GCM wrapped (a raw AES keyring); give the key with --key-file")
                            .s3ecKey())
                    .unwrap(metadata);
        }
        if (metadata.wrap() == WrapAlgorithm.KMS_CONTEXT) {
            return S3ecKeyUnwrapper.kms(kms(), kmsKeyId, kmsSettings().callTimeout())
                    .unwrap(metadata);
        }
        return S3ecKeyUnwrapper.aes(null).unwrap(metadata); // refused with the codec's own reason
    }

    /** Fresh materials for a new object in the S3 Encryption Client's V3 format. */
    Mono<S3ecEncryptionMaterials> s3ecMaterials(String kmsKeyId) {
        if (kmsKeyId != null) {
            return S3ecEncryptionMaterials.kms(
                    kms(), kmsKeyId, options.context, random, kmsSettings().callTimeout());
        }
        LocalKeyFile file = localFile("s3ec", "1", "give --key-file or --kms-key-id");
        return Mono.fromCallable(() -> S3ecEncryptionMaterials.aes(file.s3ecKey(), random));
    }

    private LocalKeyFile localFile(String name, String version, String missingHint) {
        if (options.keyFile == null) {
            throw CommandFailure.configuration(missingHint);
        }
        LocalKeyFile file;
        try {
            file = LocalKeyFile.read(options.keyFile, name, version);
        } catch (IllegalArgumentException unreadable) {
            throw CommandFailure.configuration(unreadable.getMessage());
        }
        opened.add(file);
        return file;
    }

    private KmsKeyProvider kmsProvider(String keyId) {
        KmsKeyProvider provider = new KmsKeyProvider(kms(), keyId, kmsSettings());
        opened.add(provider);
        return provider;
    }

    private KmsSettings kmsSettings() {
        if (kmsSettings == null) {
            kmsSettings = environment.kmsSettings(options.kmsEndpoint, options.kmsRegion);
        }
        return kmsSettings;
    }

    private KmsAsyncClient kms() {
        if (kmsClient == null) {
            kmsClient = KmsKeyProvider.clientBuilder(kmsSettings()).build();
            opened.add(kmsClient);
        }
        return kmsClient;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : opened) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing SDK clients and wiping keys at the end of a command; nothing to recover
            }
        }
    }
}
