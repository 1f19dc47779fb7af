package dev.s3seal.auth;

import static dev.s3seal.auth.RequestSigner.headers;
import static dev.s3seal.auth.SigV4VerifierTest.assertCode;
import static dev.s3seal.auth.SigV4VerifierTest.verifierAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Query-string (presigned URL) SigV4: AWS's documented example, expiry, and malformed parameters. */
class PresignedSigV4Test {

    private static final Instant T0 = RequestSigner.AWS_EXAMPLE_TIME;
    private static final String SIGNATURE = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    /** The example of "Authenticating Requests: Using Query Parameters" (sigv4-query-string-auth). */
    static SignedRequest awsExample(String expires, String signature) {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=" + expires + "&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=" + signature;
        return new SignedRequest("GET", "/test.txt", query, headers("host", "examplebucket.s3.amazonaws.com"));
    }

    @Test
    void shouldAcceptAwsDocumentedPresignedUrl() {
        AuthResult result = verifierAt(T0.plusSeconds(3600)).verify(awsExample("86400", SIGNATURE));
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
        assertThat(result.client().name()).isEqualTo("example");
    }

    @Test
    void shouldRejectWhenPresignedUrlIsTampered() {
        SignedRequest request = awsExample("86400", SIGNATURE);
        SignedRequest otherKey = new SignedRequest("GET", "/test2.txt", request.rawQuery(), request.headers());
        assertCode(() -> verifierAt(T0).verify(otherKey), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        assertCode(
                () -> verifierAt(T0)
                        .verify(new SignedRequest("GET", "/test.txt", request.rawQuery() + "&x=1", request.headers())),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void shouldRejectWhenPresignedUrlHasExpired() {
        assertThatThrownBy(() -> verifierAt(T0.plusSeconds(86401)).verify(awsExample("86400", SIGNATURE)))
                .isInstanceOf(S3Exception.class)
                .hasMessage("Request has expired")
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.ACCESS_DENIED));
    }

    @Test
    void shouldRejectWhenPresignedUrlIsNotValidYet() {
        assertCode(
                () -> verifierAt(T0.minusSeconds(3600)).verify(awsExample("86400", SIGNATURE)),
                S3ErrorCode.ACCESS_DENIED);
    }

    @Test
    void shouldRejectWhenExpiresExceedsSevenDays() {
        assertCode(
                () -> verifierAt(T0).verify(awsExample("604801", SIGNATURE)),
                S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR);
        assertCode(
                () -> verifierAt(T0).verify(awsExample("-1", SIGNATURE)),
                S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR);
        assertCode(
                () -> verifierAt(T0).verify(awsExample("soon", SIGNATURE)),
                S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR);
    }

    @Test
    void shouldRejectWhenPresignParameterIsMissingOrMalformed() {
        String query = awsExample("86400", SIGNATURE).rawQuery();
        for (String broken : new String[] {
            query.replace("&X-Amz-SignedHeaders=host", ""),
            query.replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1"),
            query.replace("%2Fs3%2F", "%2Fec2%2F"),
            query.replace("X-Amz-Date=20130524T000000Z", "X-Amz-Date=2013-05-24"),
            query.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=range")
        }) {
            SignedRequest request = new SignedRequest("GET", "/test.txt", broken, headers("host", "h"));
            assertCode(() -> verifierAt(T0).verify(request), S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR);
        }
    }

    @Test
    void shouldRejectWhenBothHeaderAndQueryAuthenticationAreSent() {
        SignedRequest presigned = awsExample("86400", SIGNATURE);
        SignedRequest both = new SignedRequest(
                "GET",
                "/test.txt",
                presigned.rawQuery(),
                headers(
                        "host",
                        "h",
                        "authorization",
                        "AWS4-HMAC-SHA256 Credential=x/20130524/us-east-1/s3/aws4_request,"
                                + " SignedHeaders=host, Signature=00"));
        assertCode(() -> verifierAt(T0).verify(both), S3ErrorCode.INVALID_ARGUMENT);
    }
}
