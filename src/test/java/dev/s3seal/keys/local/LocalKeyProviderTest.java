package dev.s3seal.keys.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.keys.KeyWrap;
import dev.s3seal.keys.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

class LocalKeyProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static byte[] material(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    private static LocalKeyProvider provider(LocalKeyRing ring) {
        return new LocalKeyProvider(ring, "main");
    }

    private static final LocalKeyRing V1 = LocalKeyRing.builder()
            .add(LocalMasterKey.of("main", "v1", material(1)))
            .build();

    @Test
    void shouldRoundTripWhenContextMatches() {
        LocalKeyProvider p = provider(V1);
        KeyContext ctx = KeyContext.of("b", "dir/a.txt", Map.of("tenant", "t1", "app", "x"));
        DataKey dk = p.generateDataKey(ctx).block(WAIT);
        assertThat(dk.wrapped().provider()).isEqualTo("local");
        assertThat(dk.wrapped().keyId()).isEqualTo("main");
        assertThat(dk.wrapped().keyVersion()).isEqualTo("v1");
        assertThat(dk.wrapped().ciphertext()).hasSize(12 + 32 + 16);
        byte[] expected = dk.plaintext().clone();
        StepVerifier.create(p.unwrap(dk.wrapped(), KeyContext.of("b", "dir/a.txt", Map.of("app", "x", "tenant", "t1"))))
                .assertNext(k -> assertThat(k).isEqualTo(expected))
                .expectComplete()
                .verify(WAIT);
        dk.close();
        assertThat(dk.isClosed()).isTrue();
        assertThatThrownBy(dk::plaintext).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseWhenWrappedKeyIsCopiedToAnotherObject() {
        LocalKeyProvider p = provider(V1);
        WrappedKey w = p.generateDataKey(KeyContext.of("b", "a.txt", Map.of("t", "1")))
                .block(WAIT)
                .wrapped();
        expectRefusal(p, w, KeyContext.of("b", "b.txt", Map.of("t", "1")));
        expectRefusal(p, w, KeyContext.of("other", "a.txt", Map.of("t", "1")));
        expectRefusal(p, w, KeyContext.of("b", "a.txt", Map.of("t", "2")));
        expectRefusal(p, w, KeyContext.of("b", "a.txt"));
        // field boundaries are unambiguous: "b"+"a.txt" is not "ba"+".txt"
        expectRefusal(p, w, KeyContext.of("ba", ".txt", Map.of("t", "1")));
    }

    @Test
    void shouldRefuseWhenCiphertextIsTampered() {
        LocalKeyProvider p = provider(V1);
        KeyContext ctx = KeyContext.of("b", "a");
        WrappedKey w = p.generateDataKey(ctx).block(WAIT).wrapped();
        byte[] blob = w.ciphertext();
        for (int i = 0; i < blob.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = blob.clone();
                bad[i] ^= (byte) (1 << bit);
                expectRefusal(p, new WrappedKey("local", "main", "v1", bad), ctx);
            }
        }
    }

    @Test
    void shouldKeepOldObjectsReadableWhenKeyIsRotated() {
        KeyContext oldObject = KeyContext.of("b", "old");
        DataKey old = provider(V1).generateDataKey(oldObject).block(WAIT);

        LocalKeyRing rotated = LocalKeyRing.builder()
                .add(LocalMasterKey.of("main", "v1", material(1)))
                .addActive(LocalMasterKey.of("main", "v2", material(2)))
                .build();
        LocalKeyProvider p = provider(rotated);
        assertThat(p.unwrap(old.wrapped(), oldObject).block(WAIT)).isEqualTo(old.plaintext());
        DataKey fresh = p.generateDataKey(KeyContext.of("b", "new")).block(WAIT);
        assertThat(fresh.wrapped().keyVersion()).isEqualTo("v2");
        assertThat(p.unwrap(fresh.wrapped(), KeyContext.of("b", "new")).block(WAIT))
                .isEqualTo(fresh.plaintext());

        // relabelling the version does not help: the version is in the associated data
        expectRefusal(p, new WrappedKey("local", "main", "v2", old.wrapped().ciphertext()), oldObject);
        // once v1 is unloaded, v1 objects fail as unknown key, not as a crash
        LocalKeyRing onlyV2 = LocalKeyRing.builder()
                .add(LocalMasterKey.of("main", "v2", material(2)))
                .build();
        StepVerifier.create(provider(onlyV2).unwrap(old.wrapped(), oldObject))
                .expectErrorSatisfies(e -> assertThat(((KeyProviderException) e).reason())
                        .isEqualTo(KeyProviderException.Reason.UNKNOWN_KEY))
                .verify(WAIT);
    }

    @Test
    void shouldRequireActiveVersionWhenSeveralAreLoaded() {
        assertThatThrownBy(() -> LocalKeyRing.builder()
                        .add(LocalMasterKey.of("main", "v1", material(1)))
                        .add(LocalMasterKey.of("main", "v2", material(2)))
                        .build())
                .hasMessageContaining("main")
                .hasMessageContaining("active");
    }

    @Test
    void shouldLoadBase64AndHexKeyFiles() throws Exception {
        byte[] key = material(3);
        Path b64 = Files.writeString(dir.resolve("b64.key"), Base64.getEncoder().encodeToString(key) + "\n");
        Path hex = Files.writeString(
                dir.resolve("hex.key"), "  " + HexFormat.of().formatHex(key).toUpperCase() + "\r\n");
        LocalKeyRing ring = LocalKeyRing.builder()
                .add(LocalMasterKey.fromFile("main", "v1", b64))
                .add(LocalMasterKey.fromFile("other", "v1", hex))
                .build();
        assertThat(ring.active("main").material()).isEqualTo(key);
        assertThat(ring.active("other").material()).isEqualTo(key);
    }

    @Test
    void shouldRefuseKeyFileOfWrongLengthNamingTheFile() throws Exception {
        Path shortKey =
                Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> LocalMasterKey.fromFile("main", "v1", shortKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(shortKey.toString())
                .hasMessageContaining("16 bytes")
                .hasMessageContaining("32");
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "this is not a key!");
        assertThatThrownBy(() -> LocalMasterKey.fromFile("main", "v1", garbage))
                .hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> LocalMasterKey.fromFile("main", "v1", dir.resolve("missing.key")))
                .hasMessageContaining("missing.key");
    }

    @Test
    void shouldReportMissingEnvironmentVariableByName() {
        assertThatThrownBy(() -> LocalMasterKey.fromEnv("main", "v1", "S3SEAL_TEST_SURELY_UNSET_VARIABLE"))
                .hasMessageContaining("S3SEAL_TEST_SURELY_UNSET_VARIABLE");
    }

    @Test
    void shouldGenerateOwnerOnlyKeyFileOnceWhenMissing() throws Exception {
        Path file = dir.resolve("data/keys/main-v1.key");
        assertThat(LocalMasterKey.generateFileIfMissing(file)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        byte[] first = Files.readAllBytes(file);
        assertThat(LocalMasterKey.generateFileIfMissing(file)).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        LocalMasterKey key = LocalMasterKey.fromFile("main", "v1", file);
        assertThat(key.material()).hasSize(32);
        LocalKeyProvider p =
                new LocalKeyProvider(LocalKeyRing.builder().add(key).build(), "main");
        DataKey dk = p.generateDataKey(KeyContext.of("demo", "x")).block(WAIT);
        assertThat(p.unwrap(dk.wrapped(), KeyContext.of("demo", "x")).block(WAIT))
                .isEqualTo(dk.plaintext());
    }

    @Test
    void shouldNeverShowKeyMaterialInTextOrErrors() throws Exception {
        byte[] key = material(4);
        String b64 = Base64.getEncoder().encodeToString(key);
        String hex = HexFormat.of().formatHex(key);
        Path file = Files.writeString(dir.resolve("k.key"), b64);
        LocalMasterKey master = LocalMasterKey.fromFile("main", "v1", file);
        LocalKeyRing ring = LocalKeyRing.builder().add(master).build();
        LocalKeyProvider p = new LocalKeyProvider(ring, "main");
        DataKey dk = p.generateDataKey(KeyContext.of("b", "k")).block(WAIT);
        String dataKeyB64 = Base64.getEncoder().encodeToString(dk.plaintext());
        String dataKeyHex = HexFormat.of().formatHex(dk.plaintext());

        StringBuilder text = new StringBuilder()
                .append(master)
                .append(ring)
                .append(p)
                .append(dk)
                .append(dk.wrapped());
        Throwable refusal = p.unwrap(dk.wrapped(), KeyContext.of("b", "other"))
                .materialize()
                .block(WAIT)
                .getThrowable();
        assertThat(refusal).isInstanceOf(KeyProviderException.class);
        text.append(refusal.getMessage()).append(refusal);
        try {
            LocalMasterKey.fromEncoded("main", "v1", b64.substring(0, 20), "env X");
        } catch (IllegalArgumentException e) {
            text.append(e.getMessage());
        }
        try {
            LocalMasterKey.fromEncoded("main", "v1", b64 + b64, "env Y");
        } catch (IllegalArgumentException e) {
            text.append(e.getMessage());
        }
        String all = text.toString();
        for (String secret : new String[] {b64, hex, dataKeyB64, dataKeyHex, b64.substring(0, 20)}) {
            assertThat(all).doesNotContainIgnoringCase(secret);
        }
        assertThat(all).contains("redacted");
        master.destroy();
        assertThat(master.material()).containsOnly(0);
    }

    @Test
    void shouldRejectReservedContextNames() {
        assertThatThrownBy(() -> KeyContext.of("b", "k", Map.of("s3seal:key", "x")))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> KeyContext.of("b", "k", Map.of("aws:x", "x"))).hasMessageContaining("reserved");
        assertThat(KeyContext.of("b", "k", Map.of("z", "1", "a", "2")).toEncryptionContext())
                .containsExactly(
                        Map.entry("a", "2"),
                        Map.entry("s3seal:bucket", "b"),
                        Map.entry("s3seal:key", "k"),
                        Map.entry("z", "1"));
        assertThat(new String(
                        KeyWrap.aad("t", "n", null, KeyContext.bucketScope("b", Map.of())), StandardCharsets.UTF_8))
                .doesNotContain("null");
    }

    private static void expectRefusal(KeyProvider p, WrappedKey w, KeyContext ctx) {
        StepVerifier.create(p.unwrap(w, ctx))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(KeyProviderException.class);
                    KeyProviderException k = (KeyProviderException) e;
                    assertThat(k.retryable()).isFalse();
                    assertThat(k.reason()).isEqualTo(KeyProviderException.Reason.INVALID_CIPHERTEXT);
                })
                .verify(WAIT);
    }
}
