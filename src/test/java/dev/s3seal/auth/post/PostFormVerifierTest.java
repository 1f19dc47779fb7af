package dev.s3seal.auth.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.CredentialStore;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The worked example of AWS's "Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)":
 * its policy (base64, the string to sign) and its published signature are the golden vector; its form
 * is the upload. Then each way a form can fail, with the error S3 gives.
 */
class PostFormVerifierTest {

    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String BUCKET = "sigv4examplebucket";
    private static final String POLICY =
            "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
    private static final String SIGNATURE = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";

    private static final ClientCredential CLIENT = new ClientCredential("example", KEY_ID, SECRET, Set.of("*"));
    private static final CredentialStore STORE = id -> KEY_ID.equals(id) ? Optional.of(CLIENT) : Optional.empty();

    private final PostFormVerifier beforeExpiry = verifierAt("2015-12-29T10:00:00Z");

    private static PostFormVerifier verifierAt(String instant) {
        return new PostFormVerifier(STORE, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    /** The example's form, in its order (field names spelled as the example spells them). */
    private static Map<String, String> exampleFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("key", "user/user1/${filename}");
        fields.put("acl", "public-read");
        fields.put("success_action_redirect", "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html");
        fields.put("Content-Type", "image/jpeg");
        fields.put("x-amz-meta-uuid", "14365123651274");
        fields.put("x-amz-server-side-encryption", "AES256");
        fields.put("X-Amz-Credential", KEY_ID + "/20151229/us-east-1/s3/aws4_request");
        fields.put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        fields.put("X-Amz-Date", "20151229T000000Z");
        fields.put("x-amz-meta-tag", "");
        fields.put("Policy", POLICY);
        fields.put("X-Amz-Signature", SIGNATURE);
        return fields;
    }

    private static PostForm form(Map<String, String> fields) {
        return PostForm.of(fields.entrySet());
    }

    private ClientCredential verify(PostFormVerifier verifier, Map<String, String> fields) {
        PostForm form = form(fields);
        return verifier.verify(form, BUCKET, form.key("MyPhoto.jpg"), 1000);
    }

    private static void assertS3Error(ThrowingCallable call, S3ErrorCode code, String messagePart) {
        assertThatThrownBy(call)
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    @Test
    void shouldAcceptTheAwsExampleFormSignedWithItsPublishedSignature() {
        assertThat(verify(beforeExpiry, exampleFields())).isEqualTo(CLIENT);
    }

    @Test
    void shouldRefuseTheExampleOnceItsPolicyExpired() {
        assertS3Error(
                () -> verify(verifierAt("2015-12-30T12:00:00Z"), exampleFields()),
                S3ErrorCode.ACCESS_DENIED,
                "Invalid according to Policy: Policy expired.");
    }

    @Test
    void shouldRefuseASignatureWithOneDigitChanged() {
        Map<String, String> fields = exampleFields();
        fields.put("X-Amz-Signature", SIGNATURE.substring(0, 63) + "f");
        assertS3Error(() -> verify(beforeExpiry, fields), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, "");
    }

    @Test
    void shouldRefuseAPolicyChangedAfterSigning() {
        Map<String, String> fields = exampleFields();
        fields.put("Policy", POLICY.replace("dXNlci91c2VyMS8", "dXNlci91c2VyMi8")); // user/user1/ -> user/user2/
        assertS3Error(() -> verify(beforeExpiry, fields), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, "");
    }

    @Test
    void shouldRefuseAnUnknownAccessKey() {
        Map<String, String> fields = exampleFields();
        fields.put("X-Amz-Credential", "AKIAUNKNOWN/20151229/us-east-1/s3/aws4_request");
        assertS3Error(() -> verify(beforeExpiry, fields), S3ErrorCode.INVALID_ACCESS_KEY_ID, "");
    }

    @Test
    void shouldRefuseAKeyOutsideThePolicysPrefix() {
        Map<String, String> fields = exampleFields();
        fields.put("key", "user/user2/${filename}");
        assertS3Error(
                () -> verify(beforeExpiry, fields),
                S3ErrorCode.ACCESS_DENIED,
                "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"user/user1/\"]");
    }

    @Test
    void shouldRefuseAContentTypeThePolicyDoesNotAllow() {
        Map<String, String> fields = exampleFields();
        fields.put("Content-Type", "text/html");
        assertS3Error(() -> verify(beforeExpiry, fields), S3ErrorCode.ACCESS_DENIED, "$content-type");
    }

    @Test
    void shouldRefuseAFieldThePolicyDoesNotName() {
        Map<String, String> fields = exampleFields();
        fields.put("x-amz-storage-class", "GLACIER");
        assertS3Error(
                () -> verify(beforeExpiry, fields),
                S3ErrorCode.ACCESS_DENIED,
                "Invalid according to Policy: Extra input fields: x-amz-storage-class");
    }

    @Test
    void shouldIgnoreFieldsNamedXIgnore() {
        Map<String, String> fields = exampleFields();
        fields.put("x-ignore-submit", "Upload");
        assertThat(verify(beforeExpiry, fields)).isEqualTo(CLIENT);
    }

    @Test
    void shouldRefuseAnUploadToAnotherBucket() {
        PostForm form = form(exampleFields());
        assertS3Error(
                () -> beforeExpiry.verify(form, "otherbucket", "user/user1/a", 10),
                S3ErrorCode.ACCESS_DENIED,
                "[\"eq\", \"$bucket\", \"sigv4examplebucket\"]");
    }

    @Test
    void shouldNameTheMissingSignatureField() {
        Map<String, String> fields = exampleFields();
        fields.remove("X-Amz-Signature");
        assertS3Error(
                () -> verify(beforeExpiry, fields),
                S3ErrorCode.INVALID_ARGUMENT,
                "Bucket POST must contain a field named 'x-amz-signature'.");
    }

    @Test
    void shouldNameTheMissingKeyField() {
        Map<String, String> fields = exampleFields();
        fields.remove("key");
        assertS3Error(
                () -> form(fields).key("a.jpg"), S3ErrorCode.INVALID_ARGUMENT, "must contain a field named 'key'");
    }

    @Test
    void shouldRefuseAnUnsignedFormAsAnonymous() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("key", "user/user1/a");
        assertS3Error(() -> verify(beforeExpiry, fields), S3ErrorCode.ACCESS_DENIED, "Access Denied");
    }

    @Test
    void shouldAnswerASigV2FormAsS3AnswersRetiredSignatures() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("key", "user/user1/a");
        fields.put("AWSAccessKeyId", KEY_ID);
        fields.put("policy", POLICY);
        fields.put("signature", "abc=");
        assertS3Error(() -> verify(beforeExpiry, fields), S3ErrorCode.INVALID_REQUEST, "AWS4-HMAC-SHA256");
    }

    @Test
    void shouldRefuseAFieldSentTwiceWhateverItsCase() {
        Map<String, String> fields = exampleFields();
        fields.put("content-type", "image/png");
        assertS3Error(() -> form(fields), S3ErrorCode.INVALID_ARGUMENT, "only one field named 'content-type'");
    }

    @Test
    void shouldSubstituteTheFileNameInTheKey() {
        assertThat(form(exampleFields()).key("MyPhoto.jpg")).isEqualTo("user/user1/MyPhoto.jpg");
    }
}
