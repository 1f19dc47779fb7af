package dev.s3seal.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.testsupport.KmsCallCounter;
import dev.s3seal.testsupport.MotoServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** KMS down, or accepting connections but never answering: a typed retryable error, never a hang. */
class KmsOutageTest {

    @Test
    void shouldFailRetryablyWithinTimeoutWhenKmsIsStoppedAndRecoverAfterRestart() throws Exception {
        MotoServer moto = MotoServer.get();
        moto.createKey("outage");
        KmsCallCounter counter = new KmsCallCounter();
        KmsSettings settings = KmsSettings.of(moto.endpoint(), MotoServer.REGION)
                .withCredentials(MotoServer.CREDENTIALS)
                .withCallTimeout(Duration.ofSeconds(1))
                .withRetries(2, Duration.ofMillis(50));
        try (KmsKeyProvider provider = new KmsKeyProvider(
                KmsKeyProvider.clientBuilder(settings, counter).build(), "alias/outage", settings)) {
            StepVerifier.create(provider.generateDataKey(KeyContext.of("b", "before")))
                    .expectNextCount(1)
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));

            moto.stop();
            try {
                counter.reset();
                long start = System.nanoTime();
                StepVerifier.create(provider.generateDataKey(KeyContext.of("b", "during")))
                        .expectErrorSatisfies(e -> {
                            assertThat(e).isInstanceOf(KeyProviderException.class);
                            assertThat(((KeyProviderException) e).retryable()).isTrue();
                        })
                        .verify(Duration.ofSeconds(10));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                assertThat(elapsed).as("3 attempts of at most 1s plus backoff").isLessThan(Duration.ofSeconds(5));
                assertThat(counter.generateDataKey())
                        .as("first attempt + 2 retries")
                        .isEqualTo(3);
            } finally {
                moto.start();
            }
            // A restarted moto has lost its keys: recreate the alias, as an operator would restore KMS.
            moto.createKey("outage");
            StepVerifier.create(provider.generateDataKey(KeyContext.of("b", "after"))
                            .flatMap(dk -> provider.unwrap(dk.wrapped(), KeyContext.of("b", "after"))))
                    .assertNext(key -> assertThat(key).hasSize(32))
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldTimeOutRetryablyWhenKmsAcceptsButNeverAnswers() throws Exception {
        // A listening socket nobody reads from: the TCP handshake succeeds, the response never comes.
        try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            KmsSettings settings = KmsSettings.of(
                            URI.create("http://127.0.0.1:" + blackhole.getLocalPort()), MotoServer.REGION)
                    .withCredentials(MotoServer.CREDENTIALS)
                    .withCallTimeout(Duration.ofMillis(300))
                    .withRetries(2, Duration.ofMillis(20));
            KmsCallCounter counter = new KmsCallCounter();
            try (KmsKeyProvider provider = new KmsKeyProvider(
                    KmsKeyProvider.clientBuilder(settings, counter).build(), "alias/x", settings)) {
                long start = System.nanoTime();
                StepVerifier.create(provider.unwrap(
                                new WrappedKey("kms", "alias/x", null, new byte[] {1, 2, 3}), KeyContext.of("b", "k")))
                        .expectErrorSatisfies(e -> {
                            assertThat(e).isInstanceOf(KeyProviderException.class);
                            KeyProviderException k = (KeyProviderException) e;
                            assertThat(k.retryable()).isTrue();
                            assertThat(k.reason()).isEqualTo(KeyProviderException.Reason.TIMEOUT);
                        })
                        .verify(Duration.ofSeconds(10));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                assertThat(elapsed)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(3 * 300))
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(counter.decrypt()).isEqualTo(3);
            }
        }
    }
}
