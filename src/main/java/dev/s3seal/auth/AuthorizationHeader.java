package dev.s3seal.auth;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed SigV4 {@code Authorization} header:
 * {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex}.
 */
public record AuthorizationHeader(CredentialScope credential, List<String> signedHeaders, String signature) {

    private static final S3ErrorCode MALFORMED = S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED;

    public static AuthorizationHeader parse(String value) {
        String trimmed = value.strip();
        int space = trimmed.indexOf(' ');
        String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
        if (algorithm.equals("AWS") || algorithm.startsWith("AWS ")) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
        if (!SigV4Signing.ALGORITHM.equals(algorithm)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unsupported Authorization Type");
        }
        Map<String, String> fields = fields(space < 0 ? "" : trimmed.substring(space + 1));
        String credential = fields.get("Credential");
        String signedHeaders = fields.get("SignedHeaders");
        String signature = fields.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            throw new S3Exception(
                    MALFORMED,
                    "The authorization header is malformed; it must contain Credential,"
                            + " SignedHeaders and Signature.");
        }
        return new AuthorizationHeader(
                CredentialScope.parse(credential, MALFORMED),
                SignedHeaderNames.parse(signedHeaders, MALFORMED),
                signature);
    }

    private static Map<String, String> fields(String rest) {
        Map<String, String> fields = new HashMap<>();
        for (String part : rest.split(",")) {
            String field = part.strip();
            if (field.isEmpty()) {
                continue;
            }
            int eq = field.indexOf('=');
            if (eq <= 0) {
                throw new S3Exception(
                        MALFORMED,
                        "The authorization header is malformed; a component is not" + " of the form name=value.");
            }
            if (fields.putIfAbsent(
                            field.substring(0, eq).strip(),
                            field.substring(eq + 1).strip())
                    != null) {
                throw new S3Exception(MALFORMED, "The authorization header is malformed; a component is repeated.");
            }
        }
        return fields;
    }
}
