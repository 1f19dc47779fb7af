package dev.s3seal.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upstream error document before a client sees it. Every upstream request carries s3seal's own
 * signature, so an upstream that refuses the signature or the credentials behind it speaks about
 * s3seal, never about the client (whose signature s3seal verified itself), and S3 puts the signer's
 * material in those documents: {@code SignatureDoesNotMatch} names the access key id and quotes the
 * string to sign and the canonical request (with session credentials, the security token is one of
 * its headers); {@code InvalidToken} quotes the token. Such a refusal is s3seal's to report
 * ({@link #credentialsRefusal}); any other error document loses those elements before it is relayed
 * ({@link #withoutSigningMaterial}). Pure.
 *
 * <p>{@code AccessDenied} is not a refusal of the credentials: S3 sends it for the client's bucket
 * policy and ACL decisions too, and it names no signing material. A HEAD's error has no body at
 * all, so a HEAD refused for s3seal's signature reaches the client as the bare 403 S3 sent.
 */
public final class UpstreamErrorDocument {

    /**
     * Codes by which S3 refuses how a request was signed or whose credentials signed it; s3seal signs
     * and dates every upstream request, with its own keys, region and clock.
     */
    static final Set<String> CREDENTIAL_REFUSALS = Set.of(
            "SignatureDoesNotMatch", // s3seal's secret, or its signer
            "InvalidAccessKeyId", // s3seal's key id
            "InvalidToken", // s3seal's session token
            "ExpiredToken",
            "TokenRefreshRequired",
            "InvalidSecurity", // "the provided security credentials are not valid"
            "AuthorizationHeaderMalformed", // s3seal's Authorization header: mostly its configured region
            "RequestTimeTooSkewed"); // s3seal's clock: the client's date was checked by s3seal

    /** Elements holding the signer's identity or material (Token-0, Token-1... hold session tokens). */
    private static final Pattern SIGNING_MATERIAL = Pattern.compile(
            "<(AWSAccessKeyId|StringToSign|StringToSignBytes|CanonicalRequest|CanonicalRequestBytes"
                    + "|SignatureProvided|Token-\\d+)(?:\\s*/>|>.*?</\\1\\s*>)",
            Pattern.DOTALL);

    private static final Pattern CODE = Pattern.compile("<Code>\\s*([^<\\s]+)\\s*</Code>");

    /** An error status whose body may name s3seal's credentials: S3 refuses a signature with 400 or 403. */
    static boolean mayNameCredentials(String method, int status) {
        return (status == 400 || status == 403) && !"HEAD".equals(method);
    }

    /** The code of an error document that refuses s3seal's own credentials or signature, if it is one. */
    public static Optional<String> credentialsRefusal(byte[] body) {
        Matcher code = CODE.matcher(text(body));
        if (!code.find() || !CREDENTIAL_REFUSALS.contains(code.group(1))) {
            return Optional.empty();
        }
        return Optional.of(code.group(1));
    }

    /** The document without the elements that name s3seal's key id, token or signing material. */
    public static byte[] withoutSigningMaterial(byte[] body) {
        String text = text(body);
        String stripped = SIGNING_MATERIAL.matcher(text).replaceAll("");
        return stripped.length() == text.length() ? body : stripped.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
