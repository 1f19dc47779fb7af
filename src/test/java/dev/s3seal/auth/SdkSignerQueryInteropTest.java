package dev.s3seal.auth;

import static dev.s3seal.auth.SigV4VerifierTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hostile spellings of the query and of header values against signatures made by the AWS SDK for
 * Java v2 signer: what S3 reads as the same request must verify, what S3 reads as another request
 * (another parameter value, another parameter set) must not, and the parameters verified are the
 * ones the upstream query is built from ({@link SignedRequest#query()}).
 */
class SdkSignerQueryInteropTest {

    private static final SigV4Verifier VERIFIER =
            new SigV4Verifier(RequestSigner.exampleStore(), Clock.systemUTC(), Duration.ofMinutes(15));

    /** Values whose raw and decoded forms differ: '+', space, '/', '=', '&', '%', '~', UTF-8, empty. */
    private static SdkHttpRequest hostileQuery(SdkHttpRequest.Builder builder) {
        return builder.putRawQueryParameter("prefix", "a+b c/d")
                .putRawQueryParameter("k=v&w", "x=y&z%25~")
                .putRawQueryParameter("p", List.of("2", "10", "1", "10"))
                .putRawQueryParameter("\u00e9\u2713", "\u00e9t\u00e9")
                .putRawQueryParameter("empty", "")
                .putRawQueryParameter("uploads", (String) null)
                .build();
    }

    private static SignedRequest sign(
            SdkHttpRequest http, Consumer<SignRequest.Builder<AwsCredentialsIdentity>> options) {
        var signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(RequestSigner.KEY_ID, RequestSigner.SECRET))
                    .request(http)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1")
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false);
            options.accept(r);
        });
        SdkHttpRequest out = signed.request();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        out.forEachHeader(
                (name, values) -> headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .addAll(values));
        // the query exactly as the SDK puts it on the wire
        return new SignedRequest(
                out.method().name(), out.encodedPath(), out.getUri().getRawQuery(), headers);
    }

    private static SignedRequest headerSigned(SdkHttpRequest http) {
        return sign(http, r -> {});
    }

    private static SignedRequest presigned(SdkHttpRequest http) {
        return sign(
                http,
                r -> r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5)));
    }

    private static SdkHttpRequest.Builder get() {
        return SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create("https://examplebucket.s3.amazonaws.com"))
                .encodedPath("/examplebucket/key");
    }

    private static SignedRequest withRawQuery(SignedRequest signed, String rawQuery) {
        return new SignedRequest(signed.method(), signed.rawPath(), rawQuery, signed.headers());
    }

    @Test
    void shouldVerifyTheSdkSpellingOfAHostileQueryAndForwardWhatItSigned() {
        SignedRequest signed = headerSigned(hostileQuery(get()));
        assertThat(signed.rawQuery()).contains("prefix=a%2Bb%20c%2Fd").contains("&uploads");
        assertThat(VERIFIER.verify(signed)).isNotNull();
        // the verified parse holds the values the SDK signed, and is what the upstream query is built from
        QueryParameters query = signed.query();
        assertThat(query.first("prefix")).isEqualTo("a+b c/d");
        assertThat(query.first("k=v&w")).isEqualTo("x=y&z%25~");
        assertThat(query.all()).filteredOn(p -> p.name().equals("p")).hasSize(4);
    }

    /** S3 decodes a query once and re-encodes it: spellings of the same bytes are the same request. */
    @Test
    void shouldVerifyOtherSpellingsOfTheSameDecodedQuery() {
        SignedRequest signed = headerSigned(hostileQuery(get()));
        String raw = signed.rawQuery();
        String respelled = raw.replace("%20", "+") // a space, as S3 reads a query (it accepts this, aws4fetch#83)
                        .replace("%2F", "%2f") // lower-case hex
                        .replace("prefix=", "%70refix=") // an escaped unreserved character
                        .replace("~", "%7E")
                        .replace("&", "&&")
                + "&";
        assertThat(respelled).isNotEqualTo(raw);
        assertThat(VERIFIER.verify(withRawQuery(signed, respelled))).isNotNull();

        List<String> pairs = new ArrayList<>(List.of(raw.split("&")));
        java.util.Collections.reverse(pairs); // order of arrival is not signed: the canonical query is sorted
        assertThat(VERIFIER.verify(withRawQuery(signed, String.join("&", pairs))))
                .isNotNull();
    }

    /** Spellings S3 decodes to other bytes are another request: refused, never forwarded as signed. */
    @Test
    void shouldRefuseSpellingsThatDecodeToAnotherQuery() {
        SignedRequest signed = headerSigned(hostileQuery(get()));
        String raw = signed.rawQuery();
        for (String other : List.of(
                raw.replace("%2B", "+"), // "a+b" read as "a b"
                raw.replace("a%2Bb", "a%252Bb"), // decoded once, not twice
                raw.replace("k%3Dv%26w=", "k=v%26w="), // an '=' that splits name from value
                raw.replace("x%3Dy%26z", "x%3Dy&z"), // an '&' that splits a parameter off
                raw.replace("&uploads", "&uploads=x"),
                raw.replace("p=10&", "p=1&"), // one of the repeated values
                raw.replace("p=10&", ""), // a repeat dropped
                raw + "&p=10", // a repeat added
                raw + "&=x", // an empty name is checked like any other (the SDK leaves it out of its canonical query)
                raw + "&versionId")) {
            assertThat(other).as("test input").isNotEqualTo(raw);
            assertCode(() -> VERIFIER.verify(withRawQuery(signed, other)), S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        }
        // invalid UTF-8, an overlong '/', and a lone escape byte are no spelling of anything: InvalidURI
        for (String bad : List.of("%C3%28", "%C0%AF", "%E9", "%", "%G1")) {
            assertCode(() -> withRawQuery(signed, raw + "&x=" + bad), S3ErrorCode.INVALID_URI);
        }
    }

    @Test
    void shouldVerifyAPresignedUrlOverAHostileQueryAndRefuseItsSignatureMovedOrDoubled() {
        SignedRequest signed = presigned(hostileQuery(get()));
        String raw = signed.rawQuery();
        assertThat(VERIFIER.verify(signed)).isNotNull();

        int at = raw.indexOf("X-Amz-Signature=");
        String signature = raw.substring(at + "X-Amz-Signature=".length()).split("&")[0];
        String bogus = "0".repeat(64);
        // the first X-Amz-Signature is the one checked; a case variant is an ordinary, signed parameter
        assertCode(
                () -> VERIFIER.verify(withRawQuery(signed, "X-Amz-Signature=" + bogus + "&" + raw)),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        assertCode(
                () -> VERIFIER.verify(withRawQuery(signed, raw + "&x-amz-signature=" + signature)),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        assertCode(
                () -> VERIFIER.verify(withRawQuery(signed, raw + "&X-Amz-Expires=604800")),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        // the signature parameter moved to the front is the same request
        String moved = "X-Amz-Signature=" + signature + "&"
                + raw.replace("&X-Amz-Signature=" + signature, "").replace("X-Amz-Signature=" + signature + "&", "");
        assertThat(VERIFIER.verify(withRawQuery(signed, moved))).isNotNull();
    }

    /**
     * A tab inside a signed header value: the SDK signs it as a space (Trimall collapses whitespace,
     * not only spaces) and S3 accepts that signature, so s3seal must too; the value itself is kept.
     */
    @Test
    void shouldVerifySdkSignedHeaderValuesWithTabsAndRunsOfWhitespace() {
        SignedRequest signed = headerSigned(get().putHeader("x-amz-meta-note", "a\tb \t c  \"q \t r\"")
                .putHeader("x-amz-meta-list", List.of("x\t\ty", "z"))
                .build());
        assertThat(signed.firstHeader("x-amz-meta-note")).isEqualTo("a\tb \t c  \"q \t r\"");
        assertThat(VERIFIER.verify(signed)).isNotNull();

        Map<String, List<String>> changed = new LinkedHashMap<>(signed.headers());
        changed.put("x-amz-meta-note", List.of("a\tb \t c  \"q\t\tr \""));
        assertCode(
                () -> VERIFIER.verify(new SignedRequest(signed.method(), signed.rawPath(), signed.rawQuery(), changed)),
                S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
    }
}
