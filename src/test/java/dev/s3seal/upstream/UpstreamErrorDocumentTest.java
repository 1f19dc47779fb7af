package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * S3's refusals of a signature quote the signer's material; every upstream request is signed by
 * s3seal, so those documents are about s3seal's credentials and must never reach a client.
 */
class UpstreamErrorDocumentTest {

    static final String KEY_ID = "ASIAUPSTREAMKEY12345";
    static final String TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

    /** Shaped like S3's answer to a request signed with a wrong secret under session credentials. */
    static final String SIGNATURE_DOES_NOT_MATCH = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
            + "<Code>SignatureDoesNotMatch</Code>"
            + "<Message>The request signature we calculated does not match the signature you provided.</Message>"
            + "<AWSAccessKeyId>" + KEY_ID + "</AWSAccessKeyId>"
            + "<StringToSign>AWS4-HMAC-SHA256\n20261203T214500Z\n20261203/us-east-1/s3/aws4_request\nabc</StringToSign>"
            + "<SignatureProvided>0123abcd</SignatureProvided>"
            + "<StringToSignBytes>41 57 53 34</StringToSignBytes>"
            + "<CanonicalRequest>GET\n/b/k\n\nhost:s3.amazonaws.com\nx-amz-security-token:" + TOKEN
            + "\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD</CanonicalRequest>"
            + "<CanonicalRequestBytes>47 45 54</CanonicalRequestBytes>"
            + "<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRecogniseARefusalOfS3sealsOwnSignature() {
        assertThat(UpstreamErrorDocument.credentialsRefusal(bytes(SIGNATURE_DOES_NOT_MATCH)))
                .contains("SignatureDoesNotMatch");
    }

    @Test
    void shouldRecogniseEveryRefusalOfS3sealsCredentials() {
        for (String code : UpstreamErrorDocument.CREDENTIAL_REFUSALS) {
            String document = "<Error><Code>" + code + "</Code><Message>m</Message></Error>";
            assertThat(UpstreamErrorDocument.credentialsRefusal(bytes(document)))
                    .contains(code);
        }
    }

    @Test
    void shouldLeaveTheClientsOwnErrorsAlone() {
        for (String code : new String[] {"AccessDenied", "NoSuchKey", "InvalidArgument", "PreconditionFailed"}) {
            String document = "<Error><Code>" + code + "</Code><Message>m</Message></Error>";
            assertThat(UpstreamErrorDocument.credentialsRefusal(bytes(document)))
                    .isEmpty();
        }
        assertThat(UpstreamErrorDocument.credentialsRefusal(new byte[0])).isEmpty();
        assertThat(UpstreamErrorDocument.credentialsRefusal(bytes("<html>Forbidden</html>")))
                .isEmpty();
    }

    @Test
    void shouldStripS3sealsKeyIdTokenAndSigningMaterialFromARelayedDocument() {
        String document = SIGNATURE_DOES_NOT_MATCH
                .replace("SignatureDoesNotMatch</Code>", "AccessDenied</Code>")
                .replace("<HostId>", "<Token-0>" + TOKEN + "</Token-0><AWSAccessKeyId/><HostId>");

        String relayed =
                new String(UpstreamErrorDocument.withoutSigningMaterial(bytes(document)), StandardCharsets.UTF_8);

        assertThat(relayed)
                .doesNotContain(
                        KEY_ID, TOKEN, "AWSAccessKeyId", "StringToSign", "CanonicalRequest", "SignatureProvided")
                .contains(
                        "<Code>AccessDenied</Code>",
                        "<RequestId>4442587FB7D0A2F9</RequestId>",
                        "<HostId>host-id</HostId>")
                .endsWith("</Error>");
    }

    @Test
    void shouldRelayADocumentWithoutSigningMaterialByteForByte() {
        byte[] document = bytes("<Error><Code>NoSuchKey</Code><Message>m</Message></Error>");

        assertThat(UpstreamErrorDocument.withoutSigningMaterial(document)).isSameAs(document);
    }

    @Test
    void shouldScreenOnlyBodiesOfSignatureRefusalStatuses() {
        assertThat(UpstreamErrorDocument.mayNameCredentials("GET", 403)).isTrue();
        assertThat(UpstreamErrorDocument.mayNameCredentials("PUT", 400)).isTrue();
        assertThat(UpstreamErrorDocument.mayNameCredentials("HEAD", 403)).isFalse(); // no body to tell by
        assertThat(UpstreamErrorDocument.mayNameCredentials("GET", 404)).isFalse();
        assertThat(UpstreamErrorDocument.mayNameCredentials("GET", 200)).isFalse();
    }
}
