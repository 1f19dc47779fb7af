package dev.s3seal.auth;

import static dev.s3seal.auth.PresignedSigV4Test.awsExample;
import static dev.s3seal.auth.SigV4VerifierTest.assertCode;
import static dev.s3seal.auth.SigV4VerifierTest.verifierAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SigV4 canonical query, built from the one decoded parse of a client's query. */
class CanonicalRequestTest {

    /** The signature of AWS's documented presigned GET (as in {@link PresignedSigV4Test}). */
    private static final String AWS_EXAMPLE_SIGNATURE =
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    @Test
    void shouldSortByEncodedNameThenValueKeepingRepeatsFlagsAndEmptyValues() {
        // decoded, "a_" sorts before "a|"; encoded, "a%7C" sorts before "a_": SigV4 sorts the encoded form
        QueryParameters query = QueryParameters.parse("a_=1&a%7C=2&b=z&b=a+b&b=&flag&X-Amz-Signature=abc&c=%7e%2F");
        assertThat(CanonicalRequest.canonicalQuery(query, "X-Amz-Signature"))
                .isEqualTo("a%7C=2&a_=1&b=&b=a%20b&b=z&c=~%2F&flag=");
        assertThat(CanonicalRequest.canonicalQuery(query, null))
                .isEqualTo("X-Amz-Signature=abc&a%7C=2&a_=1&b=&b=a%20b&b=z&c=~%2F&flag=");
        assertThat(CanonicalRequest.canonicalQuery(QueryParameters.parse(null), "X-Amz-Signature"))
                .isEmpty();
    }

    @Test
    void shouldEncodeNonAsciiAsUtf8InUpperCaseHex() {
        QueryParameters query = QueryParameters.parse("k=%C3%A9t%C3%A9&%E2%9C%93");
        assertThat(CanonicalRequest.canonicalQuery(query, null)).isEqualTo("%E2%9C%93=&k=%C3%A9t%C3%A9");
    }

    @Test
    void shouldTrimCollapseRunsOfSpacesAndJoinRepeatedHeaders() {
        assertThat(CanonicalRequest.canonicalHeaderValue(null)).isEmpty();
        assertThat(CanonicalRequest.canonicalHeaderValue(List.of("plain"))).isEqualTo("plain");
        // a tab is whitespace as any other: the AWS SDK signers collapse it and S3 accepts that
        assertThat(CanonicalRequest.canonicalHeaderValue(List.of("  a   b\t c  ")))
                .isEqualTo("a b c");
        assertThat(CanonicalRequest.canonicalHeaderValue(List.of("a\tb", "\tc \t", "\"q  \t r\"")))
                .isEqualTo("a b,c,\"q r\"");
        assertThat(CanonicalRequest.canonicalHeaderValue(List.of("a b c"))).isEqualTo("a b c");
        assertThat(CanonicalRequest.canonicalHeaderValue(List.of(" x  y ", "z", "  ")))
                .isEqualTo("x y,z,");
    }

    /**
     * Randomized against the plainest Trimall (split on runs of the whitespace the SDK signers
     * collapse, join with one space): the no-copy path must give the same as the copying one.
     */
    @Test
    void shouldTrimAllAsSplittingOnWhitespaceRunsDoes() {
        java.util.Random random = new java.util.Random(9);
        char[] alphabet = {'a', 'b', ' ', ' ', '\t', '\r', '\n', '\u000b', '\f', '"', ','};
        for (int round = 0; round < 20_000; round++) {
            char[] value = new char[random.nextInt(8)];
            for (int i = 0; i < value.length; i++) {
                value[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String text = new String(value);
            String expected = String.join(" ", text.split("[ \t\n\u000b\f\r]+")).strip();
            assertThat(CanonicalRequest.canonicalHeaderValue(List.of(text)))
                    .as("[%s]", text)
                    .isEqualTo(expected);
        }
    }

    /**
     * The gateway hands the verifier the parse it forwards from; the signature must be checked over
     * that parse, so parameters the client did not sign can never reach the upstream through it.
     */
    @Test
    void shouldVerifyTheSignatureOverTheDecodedQueryThatIsForwarded() {
        SignedRequest signed = awsExample("86400", AWS_EXAMPLE_SIGNATURE);
        SigV4Verifier verifier = verifierAt(RequestSigner.AWS_EXAMPLE_TIME);
        assertThat(verifier.verify(signed)).isNotNull();

        SignedRequest forwardingMore = new SignedRequest(
                signed.method(),
                signed.rawPath(),
                signed.rawQuery(),
                signed.headers(),
                QueryParameters.parse(signed.rawQuery() + "&versionId=1"));
        assertCode(() -> verifier.verify(forwardingMore), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }
}
