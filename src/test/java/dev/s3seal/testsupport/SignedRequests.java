package dev.s3seal.testsupport;

import dev.s3seal.auth.CanonicalRequest;
import dev.s3seal.auth.SigV4Signing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Requests signed by the AWS SDK's own SigV4 signer, then sent raw, so a test can sign with a
 * skewed clock, presign with a short expiry, or tamper with a correctly signed aws-chunked body.
 */
public final class SignedRequests {

    /** A signed request ready to send: its path and query, headers and body bytes. */
    public record Signed(String pathAndQuery, List<Map.Entry<String, String>> headers, byte[] body) {
        public Signed withBody(byte[] newBody) {
            return new Signed(pathAndQuery, headers, newBody);
        }
    }

    /** How the body is signed. */
    public enum Payload {
        SIGNED,
        UNSIGNED,
        CHUNKED_SIGNED,
        CHUNKED_SIGNED_CRC32_TRAILER,
        CHUNKED_UNSIGNED_CRC32_TRAILER
    }

    private SignedRequests() {}

    public static Signed put(
            URI endpoint,
            String accessKey,
            String secret,
            String path,
            byte[] body,
            Payload payload,
            Clock clock,
            Map<String, String> extraHeaders) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(endpoint.resolve(path))
                // signed as HTTPS so the SDK honours the payload mode; the scheme is not signed
                .protocol("https")
                .port(endpoint.getPort());
        extraHeaders.forEach(request::putHeader);
        request.putHeader("Content-Length", Integer.toString(body.length));
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsBasicCredentials.create(accessKey, secret))
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock);
            switch (payload) {
                case SIGNED -> r.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true);
                case UNSIGNED -> r.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false);
                case CHUNKED_SIGNED ->
                    r.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                            .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true);
                case CHUNKED_SIGNED_CRC32_TRAILER ->
                    r.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                            .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
                            .putProperty(
                                    AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM,
                                    software.amazon.awssdk.checksums.DefaultChecksumAlgorithm.CRC32);
                case CHUNKED_UNSIGNED_CRC32_TRAILER ->
                    r.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                            .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
                            .putProperty(
                                    AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM,
                                    software.amazon.awssdk.checksums.DefaultChecksumAlgorithm.CRC32);
            }
        });
        byte[] signedBody = signed.payload().map(SignedRequests::readAll).orElse(body);
        return new Signed(pathAndQuery(signed.request()), headersOf(signed.request(), signedBody.length), signedBody);
    }

    public static Signed get(URI endpoint, String accessKey, String secret, String path, Clock clock) {
        return bodiless(SdkHttpMethod.GET, endpoint, accessKey, secret, path, clock);
    }

    /** A signed request without a body ({@code GET}, {@code HEAD}, {@code DELETE}). */
    public static Signed bodiless(
            SdkHttpMethod method, URI endpoint, String accessKey, String secret, String path, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(method)
                .uri(endpoint.resolve(path))
                .protocol("https")
                .port(endpoint.getPort())
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(accessKey, secret))
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        return new Signed(pathAndQuery(signed.request()), headersOf(signed.request(), -1), new byte[0]);
    }

    /** A body-less request of any S3 method, signed with {@code UNSIGNED-PAYLOAD}. */
    public static Signed bodyless(
            URI endpoint, String accessKey, String secret, SdkHttpMethod method, String pathAndQuery, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(method)
                .uri(endpoint.resolve(pathAndQuery))
                .protocol("https")
                .port(endpoint.getPort())
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(accessKey, secret))
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        return new Signed(pathAndQuery(signed.request()), headersOf(signed.request(), -1), new byte[0]);
    }

    /** A presigned GET URL's path and query, signed at {@code clock}'s time, valid for {@code expiry}. */
    public static String presignedGet(
            URI endpoint, String accessKey, String secret, String path, Clock clock, Duration expiry) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(endpoint.resolve(path))
                .protocol("https")
                .port(endpoint.getPort())
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(accessKey, secret))
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, expiry)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        return pathAndQuery(signed.request());
    }

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * A request signed exactly as it goes on the wire: {@code rawPath} and {@code rawQuery} are sent as
     * given (any percent-encoding, repeated or bare parameters), and signed the way S3 canonicalises
     * them (decoded, re-encoded once, sorted), so a hostile shape arrives with a valid signature. The
     * payload is signed ({@code x-amz-content-sha256} is the body's hash); {@code extraHeaders} are
     * signed too.
     */
    public static Signed signedRaw(
            String host,
            String accessKey,
            String secret,
            String method,
            String rawPath,
            String rawQuery,
            Map<String, String> extraHeaders,
            byte[] body) {
        String amzDate = AMZ_DATE.format(Instant.now());
        String payloadHash = SigV4Signing.sha256Hex(body);
        TreeMap<String, List<String>> signedHeaders = new TreeMap<>();
        signedHeaders.put("host", List.of(host));
        signedHeaders.put("x-amz-date", List.of(amzDate));
        signedHeaders.put("x-amz-content-sha256", List.of(payloadHash));
        extraHeaders.forEach((name, value) -> signedHeaders.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        List<String> names = new ArrayList<>(signedHeaders.keySet());
        String canonical = CanonicalRequest.of(
                new dev.s3seal.auth.SignedRequest(method, rawPath, rawQuery, signedHeaders), names, null, payloadHash);
        String date = amzDate.substring(0, 8);
        String scope = SigV4Signing.scope(date, "us-east-1", "s3");
        String signature = SigV4Signing.signHex(
                SigV4Signing.signingKey(secret, date, "us-east-1", "s3"),
                SigV4Signing.stringToSign(amzDate, scope, canonical));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        signedHeaders.forEach((name, values) -> headers.add(Map.entry(name, values.get(0))));
        headers.add(Map.entry(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + String.join(";", names)
                        + ", Signature=" + signature));
        if (body.length > 0 || method.equals("PUT") || method.equals("POST")) {
            headers.add(Map.entry("Content-Length", Integer.toString(body.length)));
        }
        return new Signed(rawQuery == null ? rawPath : rawPath + "?" + rawQuery, headers, body);
    }

    private static String pathAndQuery(SdkHttpRequest request) {
        URI uri = request.getUri();
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static List<Map.Entry<String, String>> headersOf(SdkHttpRequest request, int bodyLength) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        request.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> headers.add(Map.entry(name, v)));
            }
        });
        if (bodyLength >= 0) {
            headers.add(Map.entry("Content-Length", Integer.toString(bodyLength)));
        }
        return headers;
    }

    private static byte[] readAll(ContentStreamProvider provider) {
        try (InputStream in = provider.newStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
