package dev.s3seal.auth;

import static dev.s3seal.auth.SigV4VerifierTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.S3ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every malformed Authorization shape gets the error S3 gives, never a 500 or a signature check. */
class AuthorizationHeaderTest {

    private static final String CREDENTIAL = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
    private static final String SIG = "Signature=" + "0".repeat(64);

    @Test
    void shouldParseSdkStyleHeaderWithAndWithoutSpaces() {
        AuthorizationHeader spaced =
                AuthorizationHeader.parse("AWS4-HMAC-SHA256 " + CREDENTIAL + ", SignedHeaders=host;x-amz-date, " + SIG);
        AuthorizationHeader compact =
                AuthorizationHeader.parse("AWS4-HMAC-SHA256 " + CREDENTIAL + ",SignedHeaders=host;x-amz-date," + SIG);
        assertThat(spaced).isEqualTo(compact);
        assertThat(spaced.signedHeaders()).containsExactly("host", "x-amz-date");
        assertThat(spaced.credential().region()).isEqualTo("us-east-1");
    }

    @Test
    void shouldReportMalformedHeaderForBrokenShapes() {
        for (String bad : List.of(
                "AWS4-HMAC-SHA256",
                "AWS4-HMAC-SHA256 " + CREDENTIAL + ", SignedHeaders=host",
                "AWS4-HMAC-SHA256 SignedHeaders=host, " + SIG,
                "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3, SignedHeaders=host, " + SIG,
                "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/ec2/aws4_request, SignedHeaders=host, " + SIG,
                "AWS4-HMAC-SHA256 Credential=AKID/2013-05-24/us-east-1/s3/aws4_request, SignedHeaders=host, " + SIG,
                "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws5_request, SignedHeaders=host, " + SIG,
                "AWS4-HMAC-SHA256 " + CREDENTIAL + ", SignedHeaders=range;x-amz-date, " + SIG,
                "AWS4-HMAC-SHA256 " + CREDENTIAL + ", SignedHeaders=host;;range, " + SIG,
                "AWS4-HMAC-SHA256 " + CREDENTIAL + ", SignedHeaders, " + SIG,
                "AWS4-HMAC-SHA256 " + CREDENTIAL + ", " + CREDENTIAL + ", SignedHeaders=host, " + SIG)) {
            assertCode(() -> AuthorizationHeader.parse(bad), S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED);
        }
    }

    @Test
    void shouldRejectOtherAuthorizationSchemes() {
        assertCode(
                () -> AuthorizationHeader.parse("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="),
                S3ErrorCode.INVALID_REQUEST);
        assertCode(
                () -> AuthorizationHeader.parse("AWS4-ECDSA-P256-SHA256 " + CREDENTIAL), S3ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> AuthorizationHeader.parse("Bearer abc"), S3ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void shouldRejectWhenCredentialDateDiffersFromRequestDate() {
        Map<String, List<String>> h = SigV4VerifierTest.baseHeaders();
        h.put(
                "authorization",
                List.of("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130523/us-east-1/s3/"
                        + "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, " + SIG));
        assertCode(
                () -> SigV4VerifierTest.verifierAt(RequestSigner.AWS_EXAMPLE_TIME)
                        .verify(new SignedRequest("GET", "/", null, h)),
                S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED);
    }

    @Test
    void shouldRejectUnknownContentSha256Value() {
        Map<String, List<String>> h = SigV4VerifierTest.baseHeaders();
        h.put("x-amz-content-sha256", List.of("STREAMING-SOMETHING-ELSE"));
        SignedRequest signed = RequestSigner.sign("PUT", "/b/k", null, h);
        assertCode(
                () -> SigV4VerifierTest.verifierAt(RequestSigner.AWS_EXAMPLE_TIME)
                        .verify(signed),
                S3ErrorCode.INVALID_ARGUMENT);
    }
}
