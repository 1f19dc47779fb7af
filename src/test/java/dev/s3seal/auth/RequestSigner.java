package dev.s3seal.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Test helper: signs requests like an SDK would, to build fixtures for the verifiers. */
public final class RequestSigner {

    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Instant AWS_EXAMPLE_TIME = Instant.parse("2013-05-24T00:00:00Z");
    static final String AMZ_DATE = "20130524T000000Z";

    private RequestSigner() {}

    /** Mutable lower-case header map preserving arrival order. */
    public static Map<String, List<String>> headers(String... namesAndValues) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return headers;
    }

    /** Signs all given headers with the Authorization header, like the SDKs do. */
    static SignedRequest sign(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, String secret) {
        List<String> signed = new ArrayList<>(new TreeSet<>(headers.keySet()));
        String amzDate = headers.containsKey("x-amz-date")
                ? headers.get("x-amz-date").get(0)
                : AmzDates.formatBasic(
                        AmzDates.parseHttpDate(headers.get("date").get(0)));
        String scope = SigV4Signing.scope(amzDate.substring(0, 8), "us-east-1", "s3");
        SignedRequest unsigned = new SignedRequest(method, rawPath, rawQuery, headers);
        String canonical = CanonicalRequest.of(
                unsigned, signed, null, headers.get("x-amz-content-sha256").get(0));
        byte[] key = SigV4Signing.signingKey(secret, amzDate.substring(0, 8), "us-east-1", "s3");
        String signature = SigV4Signing.signHex(key, SigV4Signing.stringToSign(amzDate, scope, canonical));
        Map<String, List<String>> withAuth = new LinkedHashMap<>(headers);
        withAuth.put(
                "authorization",
                List.of("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/" + scope + ", SignedHeaders="
                        + String.join(";", signed) + ", Signature=" + signature));
        return new SignedRequest(method, rawPath, rawQuery, withAuth);
    }

    static SignedRequest sign(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        return sign(method, rawPath, rawQuery, headers, SECRET);
    }

    /** A store that knows only the AWS documentation key. */
    static CredentialStore exampleStore() {
        ClientCredential client = new ClientCredential("example", KEY_ID, SECRET, java.util.Set.of("*"));
        return id -> KEY_ID.equals(id) ? java.util.Optional.of(client) : java.util.Optional.empty();
    }
}
