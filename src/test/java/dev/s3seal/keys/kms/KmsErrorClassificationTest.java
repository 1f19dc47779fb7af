package dev.s3seal.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.KeyProviderException.Reason;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The failure table of docs/keys.md for the KMS answers moto cannot be made to give (throttling,
 * 5xx, KeyUnavailable); the others are exercised against moto in KmsKeyProviderTest and KmsOutageTest.
 */
class KmsErrorClassificationTest {

    private static KeyProviderException classify(String code, int status) {
        KmsException e = (KmsException) KmsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage("m")
                        .build())
                .build();
        return KmsKeyProvider.KmsErrors.classify("Decrypt", new CompletionException(e));
    }

    @Test
    void shouldRetryWhenKmsThrottlesOrFailsInternally() {
        assertThat(classify("ThrottlingException", 400).reason()).isEqualTo(Reason.THROTTLED);
        assertThat(classify("LimitExceededException", 400).reason()).isEqualTo(Reason.THROTTLED);
        assertThat(classify("KMSInternalException", 500).retryable()).isTrue();
        assertThat(classify("KeyUnavailableException", 500).retryable()).isTrue();
        assertThat(classify("DependencyTimeoutException", 503).retryable()).isTrue();
        assertThat(classify("SomethingNew", 502).retryable()).isTrue();
    }

    @Test
    void shouldNotRetryWhenKmsRefuses() {
        assertThat(classify("InvalidCiphertextException", 400).reason()).isEqualTo(Reason.INVALID_CIPHERTEXT);
        assertThat(classify("AccessDeniedException", 400).reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(classify("NotFoundException", 400).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(classify("DisabledException", 400).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(classify("SomethingNew", 400).retryable()).isFalse();
        assertThat(classify("SomethingNew", 403).reason()).isEqualTo(Reason.ACCESS_DENIED);
    }

    @Test
    void shouldRetryWhenKmsIsUnreachableOrSlow() {
        assertThat(KmsKeyProvider.KmsErrors.classify("Decrypt", new TimeoutException())
                        .reason())
                .isEqualTo(Reason.TIMEOUT);
        assertThat(KmsKeyProvider.KmsErrors.classify(
                                "Decrypt", SdkClientException.create("io", new ConnectException("refused")))
                        .reason())
                .isEqualTo(Reason.UNAVAILABLE);
        assertThat(classify("ThrottlingException", 400).getMessage())
                .isEqualTo("KMS Decrypt failed: ThrottlingException");
    }
}
