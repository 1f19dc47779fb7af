package dev.s3seal.auth;
import java.time.Clock;
import java.time.Duration;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
/** PLACEHOLDER until the auth branch lands: finds the client, checks nothing. */
public final class SigV4Verifier {
    private final CredentialStore store;
    public SigV4Verifier(CredentialStore store, Clock clock, Duration maxSkew) { this.store = store; }
    public AuthResult verify(SignedRequest request) {
        String auth = request.headers().getOrDefault("authorization", java.util.List.of("")).get(0);
        int i = auth.indexOf("Credential=");
        if (i < 0) throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        String id = auth.substring(i + 11, auth.indexOf('/', i));
        ClientCredential c = store.findByAccessKeyId(id).orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID));
        return new AuthResult(c, PayloadMode.UNSIGNED, null, null);
    }
}
