package dev.s3seal.keys.s3ec;

import dev.s3seal.crypto.s3ec.AesGcmKeyWrap;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.crypto.s3ec.S3ecVersion;
import dev.s3seal.crypto.s3ec.WrapAlgorithm;
import dev.s3seal.stream.s3ec.S3ecEncryptOperator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;

/**
 * Everything needed to write one object in the client's V3 format (suite 0x0073): the user metadata to
 * store and the content key for {@link S3ecEncryptOperator}. One instance per object: the message id is
 * fresh, and the content key must never encrypt two different bodies.
 *
 * <p>KMS: one {@code GenerateDataKey} (AES_256) whose encryption context is the caller's plus
 * {@code aws:x-amz-cek-alg = "115"}, the whole context stored in {@code x-amz-t}, as the client does.
 * Raw AES key: a random data key wrapped by {@link AesGcmKeyWrap} (code {@code 02}); no {@code x-amz-m} is
 * written unless a materials description is given.
 */
public final class S3ecEncryptionMaterials implements AutoCloseable {

    private final S3ecMetadata metadata;
    private final S3ecContentKey contentKey;
    private @Nullable S3ecEncryptOperator encryptor;

    private S3ecEncryptionMaterials(S3ecMetadata metadata, S3ecContentKey contentKey) {
        this.metadata = metadata;
        this.contentKey = contentKey;
    }

    public static Mono<S3ecEncryptionMaterials> kms(
            KmsAsyncClient kms, String keyId, Map<String, String> context, SecureRandom random, Duration timeout) {
        if (context.containsKey(S3ecKeyUnwrapper.RESERVED_ALGORITHM_KEY)) {
            return Mono.error(new IllegalArgumentException(S3ecKeyUnwrapper.RESERVED_ALGORITHM_KEY + " is reserved"));
        }
        Map<String, String> full = new HashMap<>(context);
        full.put(S3ecKeyUnwrapper.RESERVED_ALGORITHM_KEY, S3ecMetadata.V3_SUITE_ID);
        GenerateDataKeyRequest request = GenerateDataKeyRequest.builder()
                .keyId(keyId)
                .keySpec(DataKeySpec.AES_256)
                .encryptionContext(full)
                .build();
        return Mono.fromFuture(() -> kms.generateDataKey(request))
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof S3ecException), S3ecKeyUnwrapper::classify)
                .map(response -> {
                    byte[] dataKey = response.plaintext().asByteArrayUnsafe();
                    try {
                        return fromWrappedKey(
                                dataKey,
                                WrapAlgorithm.KMS_CONTEXT,
                                response.ciphertextBlob().asByteArray(),
                                full,
                                random);
                    } finally {
                        Arrays.fill(dataKey, (byte) 0);
                    }
                });
    }

    public static S3ecEncryptionMaterials aes(SecretKey kek, SecureRandom random) {
        byte[] dataKey = new byte[S3ecContentKey.DATA_KEY_LENGTH];
        random.nextBytes(dataKey);
        try {
            return fromWrappedKey(
                    dataKey,
                    WrapAlgorithm.AES_GCM,
                    AesGcmKeyWrap.wrap(kek, dataKey, S3ecVersion.V3, random),
                    Map.of(),
                    random);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * From a data key already wrapped by the caller (KMS wrapped under {@code contextOrMatdesc}, which must then
     * contain {@code aws:x-amz-cek-alg=115}; or AES/GCM wrapped with V3 associated data). The caller keeps
     * ownership of {@code dataKey}.
     */
    public static S3ecEncryptionMaterials fromWrappedKey(
            byte[] dataKey,
            WrapAlgorithm wrap,
            byte[] wrappedKey,
            Map<String, String> contextOrMatdesc,
            SecureRandom random) {
        if (wrap == WrapAlgorithm.RSA_OAEP_SHA1) {
            throw new S3ecException(S3ecException.Reason.UNSUPPORTED_ALGORITHM, "RSA-OAEP-SHA1 is not written");
        }
        boolean kms = wrap == WrapAlgorithm.KMS_CONTEXT;
        if (kms && !S3ecMetadata.V3_SUITE_ID.equals(contextOrMatdesc.get(S3ecKeyUnwrapper.RESERVED_ALGORITHM_KEY))) {
            throw new IllegalArgumentException(
                    "KMS context must contain " + S3ecKeyUnwrapper.RESERVED_ALGORITHM_KEY + "=115");
        }
        byte[] messageId = new byte[S3ecMetadata.MESSAGE_ID_LENGTH];
        random.nextBytes(messageId);
        S3ecContentKey contentKey = S3ecContentKey.forV3Encryption(dataKey, messageId);
        S3ecMetadata metadata = new S3ecMetadata(
                S3ecVersion.V3,
                wrap,
                wrappedKey.clone(),
                null,
                messageId,
                contentKey.commitment(),
                kms ? contextOrMatdesc : Map.of(),
                kms ? Map.of() : contextOrMatdesc,
                OptionalLong.empty());
        return new S3ecEncryptionMaterials(metadata, contentKey);
    }

    public S3ecMetadata metadata() {
        return metadata;
    }

    /** User metadata to store (SDK form, without {@code x-amz-meta-}). */
    public Map<String, String> userMetadata() {
        return metadata.toUserMetadata();
    }

    /** The encrypting operator; single use (see {@link S3ecEncryptOperator}). */
    public S3ecEncryptOperator encryptOperator(DataBufferFactory factory) {
        if (encryptor == null) {
            encryptor = new S3ecEncryptOperator(contentKey, factory);
            return encryptor;
        }
        throw new IllegalStateException("encryptOperator already taken: one body per S3ecEncryptionMaterials");
    }

    /** Stored length of a body of {@code plaintextLength} bytes ({@code + 16}). */
    public static long ciphertextLength(long plaintextLength) {
        return S3ecContentKey.ciphertextLength(plaintextLength);
    }

    @Override
    public void close() {
        contentKey.close();
    }
}
