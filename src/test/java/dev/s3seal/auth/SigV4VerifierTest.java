package dev.s3seal.auth;

import static dev.s3seal.auth.RequestSigner.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Header-authentication SigV4: AWS's own documented vectors first, then each way a request can be wrong. */
public class SigV4VerifierTest {

    private static final String EMPTY = SigV4Signing.EMPTY_SHA256_HEX;

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(
                RequestSigner.exampleStore(), Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(15));
    }

    private static final SigV4Verifier VERIFIER = verifierAt(RequestSigner.AWS_EXAMPLE_TIME);

    /** The GET Object example of "Signature Calculations for the Authorization Header" (sig-v4-header-based-auth). */
    static SignedRequest awsGetExample(String signature) {
        return new SignedRequest(
                "GET",
                "/test.txt",
                null,
                headers(
                        "host",
                        "examplebucket.s3.amazonaws.com",
                        "range",
                        "bytes=0-9",
                        "x-amz-content-sha256",
                        EMPTY,
                        "x-amz-date",
                        "20130524T000000Z",
                        "authorization",
                        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=" + signature));
    }

    @Test
    void shouldAcceptAwsDocumentedGetObjectExample() {
        AuthResult result =
                VERIFIER.verify(awsGetExample("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
        assertThat(result.client().accessKeyId()).isEqualTo(RequestSigner.KEY_ID);
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.SIGNED);
        assertThat(result.declaredSha256Hex()).isEqualTo(EMPTY);
        assertThat(result.chunkSigning()).isNull();
    }

    @Test
    void shouldAcceptAwsDocumentedStreamingSeedSignature() {
        SignedRequest request = new SignedRequest(
                "PUT",
                "/examplebucket/chunkObject.txt",
                null,
                headers(
                        "host",
                        "s3.amazonaws.com",
                        "x-amz-date",
                        "20130524T000000Z",
                        "x-amz-storage-class",
                        "REDUCED_REDUNDANCY",
                        "x-amz-content-sha256",
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                        "content-encoding",
                        "aws-chunked",
                        "x-amz-decoded-content-length",
                        "66560",
                        "content-length",
                        "66824",
                        "authorization",
                        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders="
                                + "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                                + "x-amz-decoded-content-length;x-amz-storage-class,Signature="
                                + "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));
        AuthResult result = VERIFIER.verify(request);
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.STREAMING_SIGNED);
        assertThat(result.chunkSigning().seedSignature())
                .isEqualTo("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
        assertThat(result.chunkSigning().toString()).doesNotContain("signingKey=");
    }

    @Test
    void shouldRejectWhenSignatureIsForAnotherRequest() {
        assertCode(
                () -> VERIFIER.verify(
                        awsGetExample("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb42")),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldNotRevealSignaturesInErrorMessage() {
        String provided = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb42";
        assertThatThrownBy(() -> VERIFIER.verify(awsGetExample(provided)))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(provided)
                        .doesNotContain("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
    }

    @Test
    void shouldRejectWhenSignedWithWrongSecret() {
        SignedRequest request = RequestSigner.sign("GET", "/b/k", null, baseHeaders(), "not-the-secret");
        assertCode(() -> VERIFIER.verify(request), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldRejectWhenAccessKeyIdIsUnknown() {
        SignedRequest signed = RequestSigner.sign("GET", "/b/k", null, baseHeaders());
        String auth = signed.firstHeader("authorization").replace(RequestSigner.KEY_ID, "AKIDUNKNOWN");
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>(signed.headers());
        headers.put("authorization", List.of(auth));
        assertCode(
                () -> VERIFIER.verify(new SignedRequest("GET", "/b/k", null, headers)),
                S3ErrorCode.INVALID_ACCESS_KEY_ID);
    }

    @Test
    void shouldRejectWhenDateIsSkewedMoreThanFifteenMinutes() {
        SignedRequest request = RequestSigner.sign("GET", "/b/k", null, baseHeaders());
        assertCode(
                () -> verifierAt(RequestSigner.AWS_EXAMPLE_TIME.plusSeconds(16 * 60))
                        .verify(request),
                S3ErrorCode.REQUEST_TIME_TOO_SKEWED);
        assertThat(verifierAt(RequestSigner.AWS_EXAMPLE_TIME.minusSeconds(14 * 60))
                        .verify(request))
                .isNotNull();
    }

    @Test
    void shouldAcceptQueryAndHeaderQuirksTheSdksProduce() {
        Map<String, List<String>> h = baseHeaders();
        h.put("x-amz-meta-a", List.of("  two   spaces  ", "second"));
        SignedRequest request = RequestSigner.sign("GET", "/b/a%20b/c~d//e", "prefix=a%2Fb&list-type=2&acl", h);
        assertThat(VERIFIER.verify(request).client().name()).isEqualTo("example");
    }

    @Test
    void shouldRejectWhenContentSha256HeaderIsMissing() {
        Map<String, List<String>> h = headers("host", "h", "x-amz-date", RequestSigner.AMZ_DATE);
        h.put("x-amz-content-sha256", List.of(EMPTY));
        SignedRequest signed = RequestSigner.sign("GET", "/b/k", null, h);
        Map<String, List<String>> without = new java.util.LinkedHashMap<>(signed.headers());
        without.remove("x-amz-content-sha256");
        assertCode(() -> VERIFIER.verify(new SignedRequest("GET", "/b/k", null, without)), S3ErrorCode.INVALID_REQUEST);
    }

    @Test
    void shouldRejectWhenAmzHeaderIsNotSigned() {
        SignedRequest signed = RequestSigner.sign("GET", "/b/k", null, baseHeaders());
        Map<String, List<String>> more = new java.util.LinkedHashMap<>(signed.headers());
        more.put("x-amz-server-side-encryption", List.of("AES256"));
        assertCode(() -> VERIFIER.verify(new SignedRequest("GET", "/b/k", null, more)), S3ErrorCode.ACCESS_DENIED);
    }

    @Test
    void shouldRejectWhenNoAuthenticationIsPresent() {
        assertCode(
                () -> VERIFIER.verify(new SignedRequest("GET", "/b/k", null, baseHeaders())),
                S3ErrorCode.ACCESS_DENIED);
    }

    @Test
    void shouldRejectSigV2PresignedUrlsAsAnUnsupportedMechanism() {
        for (String query : List.of(
                "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1369353600&Signature=abc%3D",
                "Signature=abc%3D&Expires=1369353600")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> VERIFIER.verify(new SignedRequest("GET", "/b/k", query, baseHeaders())))
                    .isInstanceOfSatisfying(dev.s3seal.s3.S3Exception.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_REQUEST);
                        assertThat(e.getMessage()).contains("Please use AWS4-HMAC-SHA256");
                    });
        }
    }

    @Test
    void shouldAcceptHttpDateHeaderInsteadOfAmzDate() {
        Map<String, List<String>> h =
                headers("host", "h", "x-amz-content-sha256", EMPTY, "date", "Fri, 24 May 2013 00:00:00 GMT");
        assertThat(VERIFIER.verify(RequestSigner.sign("GET", "/b/k", null, h))).isNotNull();
    }

    static Map<String, List<String>> baseHeaders() {
        return headers(
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-content-sha256",
                EMPTY,
                "x-amz-date",
                RequestSigner.AMZ_DATE);
    }

    public static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, S3ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(code));
    }

    /**
     * The signing key of a verified signature is kept for the next request of that client and day; a
     * credential replaced under the same access key id (a reload, a rotated secret) must not be verified
     * with the old secret's key, and the old secret must stop working.
     */
    @Test
    void shouldNotVerifyWithTheKeyOfAReplacedCredential() {
        java.util.concurrent.atomic.AtomicReference<ClientCredential> current =
                new java.util.concurrent.atomic.AtomicReference<>(
                        new ClientCredential("example", RequestSigner.KEY_ID, RequestSigner.SECRET, Set.of("*")));
        SigV4Verifier verifier = new SigV4Verifier(
                id -> Optional.ofNullable(current.get())
                        .filter(c -> c.accessKeyId().equals(id)),
                Clock.fixed(RequestSigner.AWS_EXAMPLE_TIME, ZoneOffset.UTC),
                Duration.ofMinutes(15));
        Map<String, List<String>> headers = headers(
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-content-sha256",
                EMPTY,
                "x-amz-date",
                RequestSigner.AMZ_DATE);
        assertThat(verifier.verify(RequestSigner.sign("GET", "/a", null, headers))
                        .client()
                        .name())
                .isEqualTo("example");
        assertThat(verifier.verify(RequestSigner.sign("GET", "/b", null, headers))
                        .client()
                        .name())
                .isEqualTo("example");

        String rotated = "rotated-secret-rotated-secret-rotated00";
        current.set(new ClientCredential("example", RequestSigner.KEY_ID, rotated, Set.of("*")));

        assertThatThrownBy(() -> verifier.verify(RequestSigner.sign("GET", "/c", null, headers)))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH));
        assertThat(verifier.verify(RequestSigner.sign("GET", "/d", null, headers, rotated))
                        .client()
                        .name())
                .isEqualTo("example");
    }
}
