package dev.s3seal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** A credential may end up in logs and audit records: its secret must never be printed. */
class ClientCredentialTest {

    @Test
    void shouldNotPrintSecretWhenLogged() {
        ClientCredential c = new ClientCredential("app", "AKID", "very-secret-value", Set.of("b"));
        assertThat(c.toString()).contains("app", "AKID").doesNotContain("very-secret-value");
    }

    @Test
    void shouldAllowOnlyListedBucketsUnlessWildcard() {
        ClientCredential some = new ClientCredential("app", "AKID", "s", Set.of("b1"));
        ClientCredential any = new ClientCredential("ops", "AKID2", "s", Set.of("*"));
        assertThat(some.mayUse("b1")).isTrue();
        assertThat(some.mayUse("b2")).isFalse();
        assertThat(some.mayUse(null)).isFalse();
        assertThat(any.mayUse("anything")).isTrue();
    }

    @Test
    void shouldNotPrintSigningKeyOfChunkContext() {
        ChunkSigningContext context = ChunkedBodies.awsExampleContext(ChunkedBodies.AWS_SEED);
        assertThat(context.toString())
                .doesNotContain(SigV4Signing.hex(context.signingKey()))
                .doesNotContain(ChunkedBodies.AWS_SEED);
    }
}
