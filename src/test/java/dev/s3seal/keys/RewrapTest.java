package dev.s3seal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.keys.kms.KmsKeyProvider;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.keys.local.LocalKeyProvider;
import dev.s3seal.keys.local.LocalKeyRing;
import dev.s3seal.keys.local.LocalMasterKey;
import dev.s3seal.testsupport.MotoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyProvider#wrap}: the data key of one object wrapped again for another name (server-side
 * copy). The new wrap unwraps only for the new name; the caller's key array is left intact.
 * Local, KMS (real moto) and both layered forms.
 */
class RewrapTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final KeyContext SOURCE = KeyContext.of("b", "docs/source", Map.of("rule", "r1"));
    private static final KeyContext DESTINATION = KeyContext.of("b", "docs/destination", Map.of("rule", "r1"));

    private KmsKeyProvider kms;

    @BeforeEach
    void setUp() {
        MotoServer moto = MotoServer.get();
        String alias = "rewrap-test-" + UUID.randomUUID();
        moto.createKey(alias);
        KmsSettings settings =
                KmsSettings.of(moto.endpoint(), MotoServer.REGION).withCredentials(MotoServer.CREDENTIALS);
        kms = new KmsKeyProvider(KmsKeyProvider.clientBuilder(settings).build(), "alias/" + alias, settings);
    }

    @AfterEach
    void tearDown() {
        kms.close();
    }

    private List<KeyProvider> providers() {
        byte[] material = new byte[32];
        material[0] = 7;
        LocalKeyProvider local = new LocalKeyProvider(
                LocalKeyRing.builder()
                        .add(LocalMasterKey.of("main", "1", material))
                        .build(),
                "main");
        return List.of(
                local,
                kms,
                new CachingKeyProvider(local, KeyCacheSettings.defaults()),
                new CachingKeyProvider(kms, KeyCacheSettings.defaults()),
                new CachingKeyProvider(kms, KeyCacheSettings.disabled()));
    }

    @Test
    void shouldUnwrapRewrappedKeyOnlyForTheDestinationName() {
        for (KeyProvider provider : providers()) {
            DataKey original = provider.generateDataKey(SOURCE).block(WAIT);
            byte[] expected = original.plaintext().clone();
            byte[] unwrapped = provider.unwrap(original.wrapped(), SOURCE).block(WAIT);

            WrappedKey rewrapped = provider.wrap(unwrapped, DESTINATION).block(WAIT);

            assertThat(unwrapped).as("the caller's key is not wiped by wrap").isEqualTo(expected);
            assertThat(rewrapped).isNotEqualTo(original.wrapped());
            assertThat(provider.unwrap(rewrapped, DESTINATION).block(WAIT))
                    .as(provider.toString())
                    .isEqualTo(expected);
            assertThatThrownBy(() -> provider.unwrap(rewrapped, SOURCE).block(WAIT))
                    .as(provider.toString())
                    .isInstanceOf(KeyProviderException.class);
            original.close();
        }
    }
}
