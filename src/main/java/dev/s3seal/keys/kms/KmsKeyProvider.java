package dev.s3seal.keys.kms;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.WrappedKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSupplier;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.KmsAsyncClientBuilder;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;

/**
 * {@code cse-kms}: data keys from KMS {@code GenerateDataKey} (AES_256), unwrapped with
 * {@code Decrypt}, both under the encryption context of {@link KeyContext#toEncryptionContext()}
 * ({@code s3seal:bucket}, {@code s3seal:key}, plus the rule's extra context), so KMS itself refuses to
 * unwrap a key for any other object.
 *
 * <p>Never blocks: calls go through {@link KmsAsyncClient}, subscribed lazily. Each attempt is
 * bounded by the call timeout; retryable failures (connection errors, timeouts, throttling, 5xx)
 * are retried {@code maxRetries} times with jittered exponential backoff; refusals
 * (InvalidCiphertext, AccessDenied, NotFound, Disabled...) fail at once. Worst-case latency is thus
 * about {@code (maxRetries + 1) * callTimeout + backoffs}. Every failure is a
 * {@link KeyProviderException}.
 *
 * <p>When the client is built by {@link #create}, the SDK's own retries are off (this class retries)
 * and the SDK attempt timeout equals the call timeout.
 */
public final class KmsKeyProvider implements KeyProvider, AutoCloseable {

    private final KmsAsyncClient kms;
    private final String keyId;
    private final Duration callTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final boolean ownsClient;

    /** Uses a client built elsewhere (not closed by {@link #close()}); timeouts and retries from {@code settings}. */
    public KmsKeyProvider(KmsAsyncClient kms, String keyId, KmsSettings settings) {
        this(kms, keyId, settings, false);
    }

    private KmsKeyProvider(KmsAsyncClient kms, String keyId, KmsSettings settings, boolean ownsClient) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.callTimeout = settings.callTimeout();
        this.maxRetries = settings.maxRetries();
        this.retryBackoff = settings.retryBackoff();
        this.ownsClient = ownsClient;
    }

    /** A provider for {@code keyId} (id, ARN or alias) with its own client, closed by {@link #close()}. */
    public static KmsKeyProvider create(String keyId, KmsSettings settings) {
        return new KmsKeyProvider(clientBuilder(settings).build(), keyId, settings, true);
    }

    /**
     * A client builder configured from {@code settings}: region, endpoint override, credentials
     * (static or the default chain), Netty async HTTP, no SDK retries, attempt timeout, the settings'
     * interceptors and then {@code interceptors} (tests add theirs here).
     */
    public static KmsAsyncClientBuilder clientBuilder(KmsSettings settings, ExecutionInterceptor... interceptors) {
        KmsAsyncClientBuilder builder = KmsAsyncClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(
                        settings.credentials() != null
                                ? settings.credentials()
                                : DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .connectionTimeout(settings.callTimeout())
                        .connectionAcquisitionTimeout(settings.callTimeout()))
                // the profile file is read once here, off the event loops: the SDK's default supplier re-checks it
                // on every call under a lock, which parks an event loop when concurrent KMS calls meet (BlockHound)
                .overrideConfiguration(c -> c.defaultProfileFileSupplier(
                                ProfileFileSupplier.fixedProfileFile(ProfileFile.defaultProfileFile()))
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(settings.callTimeout())
                        .apiCallTimeout(settings.callTimeout())
                        .executionInterceptors(withAll(settings.interceptors(), interceptors)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder;
    }

    private static List<ExecutionInterceptor> withAll(List<ExecutionInterceptor> first, ExecutionInterceptor... more) {
        List<ExecutionInterceptor> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    @Override
    public Mono<DataKey> generateDataKey(KeyContext context) {
        GenerateDataKeyRequest request = GenerateDataKeyRequest.builder()
                .keyId(keyId)
                .keySpec(DataKeySpec.AES_256)
                .encryptionContext(context.toEncryptionContext())
                .build();
        return call("GenerateDataKey", () -> kms.generateDataKey(request)).map(response -> {
            byte[] plaintext = plaintextOf(response.plaintext(), "GenerateDataKey");
            String arn = response.keyId() != null ? response.keyId() : keyId;
            return new DataKey(
                    plaintext,
                    new WrappedKey(
                            WrappedKey.KMS, arn, null, response.ciphertextBlob().asByteArrayUnsafe()));
        });
    }

    /** KMS {@code Encrypt} of the given data key under the object's encryption context. */
    @Override
    public Mono<WrappedKey> wrap(byte[] plaintext, KeyContext context) {
        EncryptRequest request = EncryptRequest.builder()
                .keyId(keyId)
                .plaintext(SdkBytes.fromByteArrayUnsafe(plaintext))
                .encryptionContext(context.toEncryptionContext())
                .build();
        return call("Encrypt", () -> kms.encrypt(request))
                .map(response -> new WrappedKey(
                        WrappedKey.KMS,
                        response.keyId() != null ? response.keyId() : keyId,
                        null,
                        response.ciphertextBlob().asByteArrayUnsafe()));
    }

    @Override
    public Mono<byte[]> unwrap(WrappedKey wrapped, KeyContext context) {
        if (!WrappedKey.KMS.equals(wrapped.provider())) {
            return Mono.error(new KeyProviderException(
                    KeyProviderException.Reason.INVALID_REQUEST,
                    "KMS key provider cannot unwrap a key of provider " + wrapped.provider()));
        }
        DecryptRequest request = DecryptRequest.builder()
                .keyId(wrapped.keyId())
                .ciphertextBlob(SdkBytes.fromByteArray(wrapped.ciphertextUnsafe()))
                .encryptionContext(context.toEncryptionContext())
                .build();
        return call("Decrypt", () -> kms.decrypt(request))
                .map(response -> plaintextOf(response.plaintext(), "Decrypt"));
    }

    public String keyId() {
        return keyId;
    }

    @Override
    public void close() {
        if (ownsClient) {
            kms.close();
        }
    }

    @Override
    public String toString() {
        return "KmsKeyProvider[" + keyId + ", timeout=" + callTimeout + ", retries=" + maxRetries + "]";
    }

    private <T> Mono<T> call(String operation, Supplier<java.util.concurrent.CompletableFuture<T>> future) {
        return Mono.fromFuture(future)
                .timeout(callTimeout)
                .onErrorMap(e -> !(e instanceof KeyProviderException), e -> KmsErrors.classify(operation, e))
                .retryWhen(Retry.backoff(maxRetries, retryBackoff)
                        .maxBackoff(Duration.ofSeconds(2))
                        .filter(e -> e instanceof KeyProviderException k && k.retryable())
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    /** Takes the SDK's array without a copy: ownership passes to the caller, who wipes it. */
    private static byte[] plaintextOf(SdkBytes bytes, String operation) {
        byte[] plaintext = bytes == null ? null : bytes.asByteArrayUnsafe();
        if (plaintext == null || plaintext.length != DataKey.LENGTH) {
            if (plaintext != null) {
                java.util.Arrays.fill(plaintext, (byte) 0);
            }
            throw new KeyProviderException(
                    KeyProviderException.Reason.INVALID_CIPHERTEXT,
                    "KMS " + operation + " returned a key that is not " + DataKey.LENGTH + " bytes");
        }
        return plaintext;
    }

    /** Maps SDK failures to retryable / non-retryable {@link KeyProviderException}s. */
    static final class KmsErrors {
        private KmsErrors() {}

        static KeyProviderException classify(String operation, Throwable error) {
            Throwable e = unwrapCompletion(error);
            if (e instanceof KeyProviderException k) {
                return k;
            }
            if (e instanceof TimeoutException
                    || e instanceof ApiCallTimeoutException
                    || e instanceof ApiCallAttemptTimeoutException) {
                return new KeyProviderException(
                        KeyProviderException.Reason.TIMEOUT, "KMS " + operation + " timed out", e);
            }
            if (e instanceof AwsServiceException service) {
                String code = service.awsErrorDetails() != null
                        ? service.awsErrorDetails().errorCode()
                        : null;
                int status = service.statusCode();
                KeyProviderException.Reason reason = reasonFor(code, status, service.isThrottlingException());
                return new KeyProviderException(
                        reason, "KMS " + operation + " failed: " + (code != null ? code : "HTTP " + status), e);
            }
            if (e instanceof SdkClientException) {
                return new KeyProviderException(
                        KeyProviderException.Reason.UNAVAILABLE,
                        "KMS " + operation + " unreachable: " + e.getClass().getSimpleName(),
                        e);
            }
            if (e instanceof java.io.IOException) {
                return new KeyProviderException(
                        KeyProviderException.Reason.UNAVAILABLE,
                        "KMS " + operation + " unreachable: " + e.getClass().getSimpleName(),
                        e);
            }
            return new KeyProviderException(
                    KeyProviderException.Reason.INVALID_REQUEST,
                    "KMS " + operation + " failed: " + e.getClass().getSimpleName(),
                    e);
        }

        static KeyProviderException.Reason reasonFor(@Nullable String code, int status, boolean throttling) {
            if (throttling || "ThrottlingException".equals(code) || "LimitExceededException".equals(code)) {
                return KeyProviderException.Reason.THROTTLED;
            }
            if (code != null) {
                switch (code) {
                    case "InvalidCiphertextException", "IncorrectKeyException", "InvalidKeyUsageException":
                        return KeyProviderException.Reason.INVALID_CIPHERTEXT;
                    case "AccessDeniedException",
                            "InvalidGrantTokenException",
                            "UnrecognizedClientException",
                            "InvalidSignatureException",
                            "IncompleteSignature":
                        return KeyProviderException.Reason.ACCESS_DENIED;
                    case "NotFoundException",
                            "DisabledException",
                            "KMSInvalidStateException",
                            "KMSInvalidStateExceptionException":
                        return KeyProviderException.Reason.UNKNOWN_KEY;
                    case "KeyUnavailableException",
                            "DependencyTimeoutException",
                            "KMSInternalException",
                            "KmsInternalException":
                        return KeyProviderException.Reason.UNAVAILABLE;
                    default:
                        break;
                }
            }
            if (status >= 500 || status == 0) {
                return KeyProviderException.Reason.UNAVAILABLE;
            }
            return status == 403
                    ? KeyProviderException.Reason.ACCESS_DENIED
                    : KeyProviderException.Reason.INVALID_REQUEST;
        }

        private static Throwable unwrapCompletion(Throwable e) {
            Throwable t = e;
            while ((t instanceof java.util.concurrent.CompletionException
                            || t instanceof java.util.concurrent.ExecutionException)
                    && t.getCause() != null) {
                t = t.getCause();
            }
            return t;
        }
    }
}
