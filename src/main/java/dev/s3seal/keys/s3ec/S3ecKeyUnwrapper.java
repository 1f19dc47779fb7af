package dev.s3seal.keys.s3ec;

import dev.s3seal.crypto.s3ec.AesGcmKeyWrap;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.crypto.s3ec.S3ecVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;

/**
 * Recovers the data key of an S3EC object, never blocking: {@code kms+context} through
 * {@link KmsAsyncClient#decrypt}, {@code AES/GCM} with a raw key (pure CPU, a few microseconds), RSA refused.
 *
 * <p>KMS: the client stores the exact encryption context it sent to {@code GenerateDataKey} (its caller's
 * context plus the reserved {@code aws:x-amz-cek-alg}, {@code "115"} for V3 and {@code "AES/GCM/NoPadding"} for
 * V2) in {@code x-amz-t} / {@code x-amz-matdesc}. It is passed to {@code Decrypt} verbatim after checking the
 * reserved entry matches the format (a V3 key presented as V2, or the reverse, is refused before KMS is asked).
 * If an expected context is given, the stored context minus the reserved entries ({@code aws:x-amz-cek-alg},
 * {@code kms_cmk_id}) must equal it, as the client checks.
 */
public final class S3ecKeyUnwrapper {

    public static final String RESERVED_ALGORITHM_KEY = "aws:x-amz-cek-alg";
    static final String RESERVED_KEY_ID_KEY = "kms_cmk_id";

    private final @Nullable KmsAsyncClient kms;
    private final @Nullable String kmsKeyId;
    private final @Nullable SecretKey aesKey;
    private final Duration kmsTimeout;

    private S3ecKeyUnwrapper(
            @Nullable KmsAsyncClient kms, @Nullable String kmsKeyId, @Nullable SecretKey aesKey, Duration kmsTimeout) {
        this.kms = kms;
        this.kmsKeyId = kmsKeyId;
        this.aesKey = aesKey;
        this.kmsTimeout = kmsTimeout;
    }

    /**
     * @param keyId the KMS key the object must be wrapped under (KMS refuses others), or null to let KMS
     *              infer it from the ciphertext blob
     */
    public static S3ecKeyUnwrapper kms(KmsAsyncClient kms, @Nullable String keyId, Duration timeout) {
        return new S3ecKeyUnwrapper(kms, keyId, null, timeout);
    }

    public static S3ecKeyUnwrapper aes(@Nullable SecretKey kek) {
        return new S3ecKeyUnwrapper(null, null, kek, Duration.ZERO);
    }

    /** Unwraps with no expectation on the stored encryption context beyond the reserved entry. */
    public Mono<byte[]> unwrap(S3ecMetadata metadata) {
        return unwrap(metadata, null);
    }

    public Mono<byte[]> unwrap(S3ecMetadata metadata, @Nullable Map<String, String> expectedContext) {
        return switch (metadata.wrap()) {
            case AES_GCM -> Mono.fromCallable(() -> unwrapAes(metadata));
            case KMS_CONTEXT -> Mono.defer(() -> unwrapKms(metadata, expectedContext));
            case RSA_OAEP_SHA1 ->
                Mono.error(new S3ecException(
                        S3ecException.Reason.UNSUPPORTED_ALGORITHM, "RSA-OAEP-SHA1 wrapped keys are not supported"));
        };
    }

    private byte[] unwrapAes(S3ecMetadata metadata) {
        if (aesKey == null) {
            throw new S3ecException(
                    S3ecException.Reason.KEY_UNWRAP_FAILED, "object is AES/GCM wrapped, no AES key configured");
        }
        return checkLength(AesGcmKeyWrap.unwrap(aesKey, metadata.encryptedDataKey(), metadata.version()));
    }

    private Mono<byte[]> unwrapKms(S3ecMetadata metadata, @Nullable Map<String, String> expectedContext) {
        if (kms == null) {
            return Mono.error(new S3ecException(
                    S3ecException.Reason.KEY_UNWRAP_FAILED, "object is KMS wrapped, no KMS configured"));
        }
        Map<String, String> stored = metadata.encryptionContext();
        String expectedAlgorithm =
                metadata.version() == S3ecVersion.V3 ? S3ecMetadata.V3_SUITE_ID : S3ecMetadata.V2_CONTENT_CIPHER;
        if (!expectedAlgorithm.equals(stored.get(RESERVED_ALGORITHM_KEY))) {
            return Mono.error(new S3ecException(
                    S3ecException.Reason.CONTEXT_MISMATCH,
                    "stored encryption context lacks " + RESERVED_ALGORITHM_KEY + "=" + expectedAlgorithm));
        }
        if (expectedContext != null) {
            Map<String, String> userPart = new HashMap<>(stored);
            userPart.remove(RESERVED_ALGORITHM_KEY);
            userPart.remove(RESERVED_KEY_ID_KEY);
            if (!userPart.equals(expectedContext)) {
                return Mono.error(new S3ecException(
                        S3ecException.Reason.CONTEXT_MISMATCH,
                        "stored encryption context differs from the expected one"));
            }
        }
        DecryptRequest.Builder request = DecryptRequest.builder()
                .ciphertextBlob(SdkBytes.fromByteArray(metadata.encryptedDataKey()))
                .encryptionContext(stored);
        if (kmsKeyId != null) {
            request.keyId(kmsKeyId);
        }
        DecryptRequest built = request.build();
        return Mono.fromFuture(() -> kms.decrypt(built))
                .timeout(kmsTimeout)
                .map(response -> checkLength(response.plaintext().asByteArrayUnsafe()))
                .onErrorMap(e -> !(e instanceof S3ecException), S3ecKeyUnwrapper::classify);
    }

    static S3ecException classify(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof TimeoutException || e instanceof SdkClientException) {
            return new S3ecException(
                    S3ecException.Reason.KEY_SERVICE_UNAVAILABLE,
                    "KMS Decrypt unavailable: " + e.getClass().getSimpleName(),
                    e);
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? null
                    : service.awsErrorDetails().errorCode();
            boolean transientFailure = service.isThrottlingException() || service.statusCode() >= 500;
            return new S3ecException(
                    transientFailure
                            ? S3ecException.Reason.KEY_SERVICE_UNAVAILABLE
                            : S3ecException.Reason.KEY_UNWRAP_FAILED,
                    "KMS Decrypt failed: " + code,
                    e);
        }
        return new S3ecException(
                S3ecException.Reason.KEY_UNWRAP_FAILED,
                "KMS Decrypt failed: " + e.getClass().getSimpleName(),
                e);
    }

    private static byte[] checkLength(byte[] key) {
        if (key == null || key.length != S3ecContentKey.DATA_KEY_LENGTH) {
            throw new S3ecException(S3ecException.Reason.KEY_UNWRAP_FAILED, "unwrapped data key is not 256 bits");
        }
        return key;
    }
}
