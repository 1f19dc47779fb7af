package dev.s3seal.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.testsupport.KmsCallCounter;
import dev.s3seal.testsupport.MotoServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Against a real moto KMS: encryption context binding and error classification. */
class KmsKeyProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KmsCallCounter counter = new KmsCallCounter();
    private MotoServer moto;
    private KmsKeyProvider provider;
    private String alias;

    @BeforeEach
    void setUp() {
        moto = MotoServer.get();
        alias = "kms-test-" + UUID.randomUUID();
        moto.createKey(alias);
        KmsSettings settings =
                KmsSettings.of(moto.endpoint(), MotoServer.REGION).withCredentials(MotoServer.CREDENTIALS);
        provider = new KmsKeyProvider(
                KmsKeyProvider.clientBuilder(settings, counter).build(), "alias/" + alias, settings);
    }

    @AfterEach
    void tearDown() {
        provider.close();
    }

    @Test
    void shouldUnwrapToTheSameKeyWhenContextMatches() {
        KeyContext ctx = KeyContext.of("bucket-a", "dir/object.bin", Map.of("rule", "r1"));
        DataKey dk = provider.generateDataKey(ctx).block(WAIT);
        assertThat(dk.plaintext()).hasSize(32);
        assertThat(dk.wrapped().provider()).isEqualTo("kms");
        assertThat(dk.wrapped().keyId()).startsWith("arn:aws:kms:");
        assertThat(dk.wrapped().keyVersion()).isNull();

        byte[] expected = dk.plaintext().clone();
        StepVerifier.create(provider.unwrap(
                        dk.wrapped(), KeyContext.of("bucket-a", "dir/object.bin", Map.of("rule", "r1"))))
                .assertNext(key -> assertThat(key).isEqualTo(expected))
                .expectComplete()
                .verify(WAIT);
        dk.close();
        assertThat(counter.generateDataKey()).isEqualTo(1);
        assertThat(counter.decrypt()).isEqualTo(1);
    }

    @Test
    void shouldRefuseNonRetryablyWhenObjectKeyDiffers() {
        DataKey dk =
                provider.generateDataKey(KeyContext.of("bucket-a", "a.txt")).block(WAIT);
        expectRefusal(dk.wrapped(), KeyContext.of("bucket-a", "b.txt"));
    }

    @Test
    void shouldRefuseNonRetryablyWhenBucketDiffers() {
        DataKey dk =
                provider.generateDataKey(KeyContext.of("bucket-a", "a.txt")).block(WAIT);
        expectRefusal(dk.wrapped(), KeyContext.of("bucket-b", "a.txt"));
    }

    @Test
    void shouldRefuseNonRetryablyWhenExtraContextDiffers() {
        DataKey dk = provider.generateDataKey(KeyContext.of("bucket-a", "a.txt", Map.of("tenant", "t1")))
                .block(WAIT);
        expectRefusal(dk.wrapped(), KeyContext.of("bucket-a", "a.txt", Map.of("tenant", "t2")));
        expectRefusal(dk.wrapped(), KeyContext.of("bucket-a", "a.txt"));
    }

    @Test
    void shouldRefuseNonRetryablyWhenCiphertextIsTampered() {
        DataKey dk =
                provider.generateDataKey(KeyContext.of("bucket-a", "a.txt")).block(WAIT);
        byte[] blob = dk.wrapped().ciphertext();
        blob[blob.length / 2] ^= 1;
        expectRefusal(new WrappedKey("kms", dk.wrapped().keyId(), null, blob), KeyContext.of("bucket-a", "a.txt"));
    }

    @Test
    void shouldFailNonRetryablyWhenKeyDoesNotExist() {
        KmsSettings settings =
                KmsSettings.of(moto.endpoint(), MotoServer.REGION).withCredentials(MotoServer.CREDENTIALS);
        try (KmsKeyProvider unknown = KmsKeyProvider.create("alias/does-not-exist-" + UUID.randomUUID(), settings)) {
            StepVerifier.create(unknown.generateDataKey(KeyContext.of("b", "k")))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(KeyProviderException.class);
                        assertThat(((KeyProviderException) e).retryable()).isFalse();
                    })
                    .verify(WAIT);
        }
    }

    @Test
    void shouldNotCallKmsBeforeSubscription() {
        provider.generateDataKey(KeyContext.of("b", "k"));
        provider.unwrap(new WrappedKey("kms", "alias/" + alias, null, new byte[] {1, 2, 3}), KeyContext.of("b", "k"));
        assertThat(counter.generateDataKey() + counter.decrypt()).isZero();
    }

    private void expectRefusal(WrappedKey wrapped, KeyContext ctx) {
        int before = counter.decrypt();
        StepVerifier.create(provider.unwrap(wrapped, ctx))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(KeyProviderException.class);
                    KeyProviderException k = (KeyProviderException) e;
                    assertThat(k.retryable()).isFalse();
                    assertThat(k.reason()).isEqualTo(KeyProviderException.Reason.INVALID_CIPHERTEXT);
                })
                .verify(WAIT);
        assertThat(counter.decrypt() - before).as("refusals are not retried").isEqualTo(1);
    }
}
