package dev.s3seal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.keys.kms.KmsKeyProvider;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.keys.local.LocalKeyProvider;
import dev.s3seal.keys.local.LocalKeyRing;
import dev.s3seal.keys.local.LocalMasterKey;
import dev.s3seal.testsupport.MotoServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Key providers used from non-blocking threads (as the proxy's event loops will) never block. */
class KeyProviderBlockHoundTest {

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @Test
    void shouldDetectBlockingCallsAtAll() {
        StepVerifier.create(Mono.fromCallable(() -> {
                            Thread.sleep(1);
                            return 1;
                        })
                        .subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("Blocking call"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldNotBlockWhenKmsAndCachesAreUsedFromParallelThreads() {
        MotoServer moto = MotoServer.get();
        String alias = "blockhound-" + UUID.randomUUID();
        moto.createKey(alias);
        KmsSettings settings =
                KmsSettings.of(moto.endpoint(), MotoServer.REGION).withCredentials(MotoServer.CREDENTIALS);
        try (KmsKeyProvider kms = KmsKeyProvider.create("alias/" + alias, settings)) {
            // warm up the SDK client (class loading, endpoint resolution) off the parallel threads
            kms.generateDataKey(KeyContext.of("b", "warm")).block(Duration.ofSeconds(30));
            CachingKeyProvider layered = new CachingKeyProvider(kms, KeyCacheSettings.defaults());
            CachingKeyProvider direct =
                    new CachingKeyProvider(kms, KeyCacheSettings.disabled().withDecryption(true));
            LocalKeyProvider local = new LocalKeyProvider(
                    LocalKeyRing.builder()
                            .add(LocalMasterKey.of("m", "v1", new byte[32]))
                            .build(),
                    "m");
            for (KeyProvider provider : new KeyProvider[] {layered, direct, local}) {
                StepVerifier.create(Flux.range(0, 20)
                                .flatMap(
                                        i -> Mono.defer(() -> {
                                                    KeyContext ctx = KeyContext.of("b", "o" + i, Map.of("r", "1"));
                                                    return provider.generateDataKey(ctx)
                                                            .flatMap(dk -> provider.unwrap(dk.wrapped(), ctx));
                                                })
                                                .subscribeOn(Schedulers.parallel()),
                                        8))
                        .expectNextCount(20)
                        .expectComplete()
                        .verify(Duration.ofSeconds(90));
            }
        }
    }
}
