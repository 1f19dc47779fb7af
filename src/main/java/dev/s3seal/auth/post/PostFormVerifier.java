package dev.s3seal.auth.post;

import dev.s3seal.auth.AmzDates;
import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.CredentialScope;
import dev.s3seal.auth.CredentialStore;
import dev.s3seal.auth.SigV4Signing;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Verifies a browser form upload signed with SigV4 (S3's "browser-based uploads using POST"): the
 * string to sign is the base64 {@code policy} field itself, the signature its HMAC-SHA256 under the
 * SigV4 signing key of the {@code x-amz-credential} scope, with the secret of that s3seal client (the
 * same store and key derivation as header authentication; compared in constant time). Then the upload
 * is held to the policy ({@link PostPolicyCheck}). Answers with S3's errors; never puts a secret or a
 * signature in one.
 */
public final class PostFormVerifier {

    private final CredentialStore store;
    private final Clock clock;

    public PostFormVerifier(CredentialStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Who signed the form, once its signature and its policy hold for an upload of {@code fileLength}
     * bytes to {@code bucket}/{@code key}.
     */
    public ClientCredential verify(PostForm form, String bucket, String key, long fileLength) {
        refuseUnsigned(form);
        String algorithm = form.required("x-amz-algorithm");
        String credential = form.required("x-amz-credential");
        String date = form.required("x-amz-date");
        String signature = form.required("x-amz-signature");
        String policy = form.required("policy");
        if (!SigV4Signing.ALGORITHM.equals(algorithm)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT, "The x-amz-algorithm field must be " + SigV4Signing.ALGORITHM + ".");
        }
        CredentialScope scope = CredentialScope.parse(credential, S3ErrorCode.INVALID_ARGUMENT);
        Instant signedAt = AmzDates.parseBasic(date);
        if (signedAt == null || !date.startsWith(scope.date())) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "The x-amz-date field must be in the form yyyyMMdd'T'HHmmss'Z' and fall on the credential's date.");
        }
        ClientCredential client = store.findByAccessKeyId(scope.accessKeyId())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID));
        byte[] signingKey =
                SigV4Signing.signingKey(client.secretAccessKey(), scope.date(), scope.region(), scope.service());
        String expected;
        try {
            expected = SigV4Signing.signHex(signingKey, policy);
        } finally {
            Arrays.fill(signingKey, (byte) 0);
        }
        if (!SigV4Signing.signaturesEqual(expected, signature)) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        }
        PostPolicyCheck.check(PostPolicy.parse(policy), form, bucket, key, fileLength, clock.instant());
        return client;
    }

    /**
     * A form without a signature is an anonymous upload, refused like every anonymous request
     * (s3seal re-signs what it stores); a SigV2 form gets the answer a SigV2 URL gets.
     */
    private static void refuseUnsigned(PostForm form) {
        boolean sigV4 = form.has("x-amz-signature") || form.has("x-amz-credential") || form.has("x-amz-algorithm");
        if (sigV4) {
            return;
        }
        if (form.has("awsaccesskeyid") || form.has("signature")) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
        throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied");
    }
}
