package dev.s3seal.auth;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import org.jspecify.annotations.Nullable;

/**
 * The parsed {@code Credential} value: {@code <key id>/<yyyyMMdd>/<region>/<service>/aws4_request}.
 * Any region is accepted (s3seal is region-agnostic) but the service must be {@code s3}.
 */
public record CredentialScope(String accessKeyId, String date, String region, String service) {

    /** Parses a credential; {@code errorCode} differs between header and query authentication. */
    public static CredentialScope parse(@Nullable String credential, S3ErrorCode errorCode) {
        String[] parts = credential == null ? new String[0] : credential.split("/", -1);
        if (parts.length != 5 || parts[0].isEmpty() || parts[2].isEmpty()) {
            throw new S3Exception(
                    errorCode,
                    "Error parsing the Credential parameter: it must have the form"
                            + " <access key id>/<date>/<region>/<service>/aws4_request.");
        }
        if (!isEightDigits(parts[1])) {
            throw new S3Exception(errorCode, "Invalid credential date. Date must be in yyyyMMdd format.");
        }
        if (!"s3".equals(parts[3])) {
            throw new S3Exception(errorCode, "Incorrect service in the credential scope: this endpoint is s3.");
        }
        if (!"aws4_request".equals(parts[4])) {
            throw new S3Exception(errorCode, "Incorrect terminal in the credential scope: expected aws4_request.");
        }
        return new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
    }

    /** yyyyMMdd's shape, checked by hand: a regex here was compiled on every request. */
    private static boolean isEightDigits(String value) {
        if (value.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    public String scope() {
        return SigV4Signing.scope(date, region, service);
    }
}
