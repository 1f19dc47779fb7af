package dev.s3seal.auth;

import dev.s3seal.auth.payload.PayloadVerifier;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a client's SigV4 signature, from the {@code Authorization} header or from presigned
 * query parameters, and answers with the S3 error S3 itself would give. It only decides who the
 * client is and how the body must be checked; the body itself is checked by {@link PayloadVerifier}.
 */
public final class SigV4Verifier {

    private static final String CONTENT_SHA256 = "x-amz-content-sha256";

    private final CredentialStore store;
    private final Clock clock;
    private final Duration maxSkew;
    private final SigningKeys signingKeys = new SigningKeys();

    public SigV4Verifier(CredentialStore store, Clock clock, Duration maxSkew) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    }

    /** The signature inputs common to both forms, once parsed and checked for freshness. */
    private record Claim(
            CredentialScope credential,
            String amzDate,
            List<String> signedHeaders,
            String signature,
            @Nullable String excludedQueryParameter,
            String payloadHash,
            PayloadMode mode) {}

    public AuthResult verify(SignedRequest request) {
        QueryParameters query = request.query();
        String authorization = request.firstHeader("authorization");
        boolean presigned = query.has("X-Amz-Algorithm") || query.has("X-Amz-Credential");
        if (authorization != null && presigned) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "Only one auth mechanism allowed; only the"
                            + " X-Amz-Algorithm query parameter or the Authorization header should be specified");
        }
        Claim claim;
        if (authorization != null) {
            claim = headerClaim(request, AuthorizationHeader.parse(authorization));
        } else if (presigned) {
            claim = presignedClaim(request, PresignedParameters.parse(request));
        } else if (query.has("AWSAccessKeyId") || query.has("Signature")) {
            // a SigV2 presigned URL: as S3 answers it where SigV2 is retired, not a bare AccessDenied
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        } else {
            // anonymous: refused before the policy (docs/limits.md); s3seal re-signs everything it forwards
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied");
        }
        return check(request, claim);
    }

    private Claim headerClaim(SignedRequest request, AuthorizationHeader header) {
        String amzDate = request.firstHeader("x-amz-date");
        Instant time = AmzDates.parseBasic(amzDate);
        if (amzDate == null) {
            time = AmzDates.parseHttpDate(request.firstHeader("date"));
            amzDate = time == null ? null : AmzDates.formatBasic(time);
        }
        if (time == null) {
            throw new S3Exception(
                    S3ErrorCode.ACCESS_DENIED, "AWS authentication requires a valid Date or x-amz-date header");
        }
        checkCredentialDate(header.credential(), amzDate, S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED);
        checkSkew(time);
        String payloadHash = request.firstHeader(CONTENT_SHA256);
        if (payloadHash == null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "Missing required header for this request: x-amz-content-sha256");
        }
        requireAmzHeadersSigned(request, header.signedHeaders());
        return new Claim(
                header.credential(),
                amzDate,
                header.signedHeaders(),
                header.signature(),
                null,
                payloadHash,
                payloadMode(payloadHash));
    }

    private Claim presignedClaim(SignedRequest request, PresignedParameters params) {
        checkCredentialDate(params.credential(), params.amzDate(), S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR);
        Instant now = clock.instant();
        if (params.requestTime().isAfter(now.plus(maxSkew))) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request is not valid yet");
        }
        if (now.isAfter(params.requestTime().plusSeconds(params.expiresSeconds()))) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request has expired");
        }
        String header = request.firstHeader(CONTENT_SHA256);
        String payloadHash = header == null ? PayloadMode.UNSIGNED.headerValue() : header;
        // Whoever holds a presigned URL must not add meaning to it (copy source, ACL, lock, tags).
        requireAmzHeadersSigned(request, params.signedHeaders(), CONTENT_SHA256);
        return new Claim(
                params.credential(),
                params.amzDate(),
                params.signedHeaders(),
                params.signature(),
                PresignedParameters.SIGNATURE,
                payloadHash,
                payloadMode(payloadHash));
    }

    private AuthResult check(SignedRequest request, Claim claim) {
        ClientCredential client = store.findByAccessKeyId(claim.credential().accessKeyId())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID));
        CredentialScope scope = claim.credential();
        byte[] known = signingKeys.find(client, scope);
        byte[] key = known != null
                ? known
                : SigV4Signing.signingKey(client.secretAccessKey(), scope.date(), scope.region(), scope.service());
        String canonical = CanonicalRequest.of(
                request, claim.signedHeaders(), claim.excludedQueryParameter(), claim.payloadHash());
        String expected =
                SigV4Signing.signHex(key, SigV4Signing.stringToSign(claim.amzDate(), scope.scope(), canonical));
        if (!SigV4Signing.signaturesEqual(expected, claim.signature())) {
            if (known == null) {
                Arrays.fill(key, (byte) 0);
            }
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        }
        if (known == null) {
            signingKeys.remember(client, scope, key);
        }
        PayloadMode mode = claim.mode();
        String declared = mode == PayloadMode.SIGNED ? claim.payloadHash().toLowerCase(Locale.ROOT) : null;
        ChunkSigningContext chunks = mode.hasChunkSignatures()
                ? new ChunkSigningContext(
                        key, claim.amzDate(), scope.scope(), claim.signature().toLowerCase(Locale.ROOT))
                : null;
        return new AuthResult(client, mode, declared, chunks);
    }

    private static PayloadMode payloadMode(String contentSha256) {
        return PayloadMode.fromContentSha256(contentSha256)
                .orElseThrow(() -> new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT,
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD,"
                                + " STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER,"
                                + " STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value."));
    }

    private static void checkCredentialDate(CredentialScope credential, String amzDate, S3ErrorCode code) {
        if (!amzDate.startsWith(credential.date())) {
            throw new S3Exception(code, "Invalid credential date. Date is not the same as X-Amz-Date.");
        }
    }

    private void checkSkew(Instant requestTime) {
        Duration skew = Duration.between(requestTime, clock.instant()).abs();
        if (skew.compareTo(maxSkew) > 0) {
            throw new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED);
        }
    }

    /** S3 refuses x-amz-* headers that travel unsigned: they change what the request means. */
    private static void requireAmzHeadersSigned(SignedRequest request, List<String> signedHeaders, String... exempt) {
        List<String> exempted = List.of(exempt);
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            if (header.getKey().startsWith("x-amz-")
                    && !signedHeaders.contains(header.getKey())
                    && !exempted.contains(header.getKey())) {
                throw new S3Exception(
                        S3ErrorCode.ACCESS_DENIED, "There were headers present in the request which were not signed");
            }
        }
    }
}
