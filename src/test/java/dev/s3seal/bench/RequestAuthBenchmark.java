package dev.s3seal.bench;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.auth.CanonicalRequest;
import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.SigV4Signing;
import dev.s3seal.auth.SigV4Verifier;
import dev.s3seal.auth.SignedRequest;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.s3.operations.OperationTable;
import dev.s3seal.upstream.ForwardedHeaders;
import dev.s3seal.upstream.UpstreamSigner;
import dev.s3seal.web.ClientRequestHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The pure per-request work every small request pays before and around its upstream exchange, as
 * the profile of 4 KiB requests showed it (issue 11): verifying a presigned GET (what the benchmark
 * suite's hey sends) and a header-signed PUT, recognising the operation in s3seal's table, and signing
 * the upstream request. Run with the command in docs/benchmarks.md; never part of the test suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestAuthBenchmark {

    private static final String KEY_ID = "bench";
    private static final String SECRET = "bench-secret";
    private static final Instant NOW = Instant.parse("2026-12-03T21:00:00Z");
    private static final String AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(NOW);
    private static final String SCOPE = SigV4Signing.scope(AMZ_DATE.substring(0, 8), "us-east-1", "s3");

    private SigV4Verifier verifier;
    private SignedRequest presignedGet;
    private SignedRequest headerPut;
    private S3RequestParser parser;
    private S3Request parsedPut;
    private HttpHeaders receivedGetHeaders;
    private HttpHeaders upstreamGetResponseHeaders;
    private UpstreamSigner upstreamSigner;
    private SdkHttpRequest upstreamPut;
    private AwsCredentialsIdentity upstreamCredentials;

    @Setup
    public void setUp() {
        ClientCredential client = new ClientCredential("bench", KEY_ID, SECRET, Set.of("*"));
        verifier = new SigV4Verifier(
                id -> KEY_ID.equals(id) ? Optional.of(client) : Optional.empty(),
                Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofMinutes(15));
        presignedGet = presigned("GET", "/bench/k");
        headerPut = headerSigned("PUT", "/bench/p");
        parser = new S3RequestParser(List.of());
        parsedPut = new S3RequestParser(List.of())
                .parse(headerPut.method(), headerPut.rawPath(), headerPut.rawQuery(), headerPut.headers());
        // as hey sends a GET and S3Proxy answers it, in Spring's headers over Netty's (client side) or its own map
        DefaultHttpHeaders received = new DefaultHttpHeaders();
        received.add("Host", "127.0.0.1:8080");
        received.add("User-Agent", "hey/0.0.1");
        received.add("Accept-Encoding", "gzip");
        receivedGetHeaders = new HttpHeaders(new Netty4HeadersAdapter(received));
        upstreamGetResponseHeaders = new HttpHeaders();
        upstreamGetResponseHeaders.add("Date", "Thu, 03 Dec 2026 21:00:00 GMT");
        upstreamGetResponseHeaders.add("x-amz-request-id", "4442587FB7D0A2F9");
        upstreamGetResponseHeaders.add("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
        upstreamGetResponseHeaders.add("Last-Modified", "Thu, 03 Dec 2026 20:59:00 GMT");
        upstreamGetResponseHeaders.add("Accept-Ranges", "bytes");
        upstreamGetResponseHeaders.add("Content-Type", "application/octet-stream");
        upstreamGetResponseHeaders.add("Content-Length", "4096");
        upstreamGetResponseHeaders.add("Server", "Jetty(11.0.20)");
        upstreamSigner = new UpstreamSigner("us-east-1");
        URI endpoint = URI.create("http://127.0.0.1:9000");
        upstreamPut = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .protocol(endpoint.getScheme())
                .host(endpoint.getHost())
                .port(endpoint.getPort())
                .encodedPath("/bench/p")
                .putHeader("content-type", "application/octet-stream")
                .putHeader("content-length", "4096")
                .build();
        upstreamCredentials = AwsCredentialsIdentity.create("up", "up-secret");
    }

    @Benchmark
    public AuthResult verifyPresignedGet() {
        return verifier.verify(presignedGet);
    }

    /** What the gateway does with a presigned GET before the policy: resolve the request, then verify it. */
    @Benchmark
    public AuthResult parseAndVerifyPresignedGet() {
        S3Request parsed = parser.parse(
                presignedGet.method(), presignedGet.rawPath(), presignedGet.rawQuery(), presignedGet.headers());
        return verifier.verify(new SignedRequest(
                parsed.method(), parsed.rawPath(), parsed.rawQuery(), parsed.headers(), parsed.query()));
    }

    /** The gateway's copy of a client's request headers ({@code ClientRequestHeaders}). */
    @Benchmark
    public Map<String, List<String>> copyRequestHeaders() {
        return ClientRequestHeaders.of(receivedGetHeaders);
    }

    /** The same copy as the gateway made it up to round 3, through {@link HttpHeaders#forEach}. */
    @Benchmark
    public Map<String, List<String>> copyRequestHeadersWithForEach() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        receivedGetHeaders.forEach(
                (name, values) -> headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                        .addAll(values));
        return headers;
    }

    /** An upstream GET answer's headers into the client's response headers (Netty's, as Reactor Netty's). */
    @Benchmark
    public HttpHeaders copyResponseHeadersToClient() {
        HttpHeaders client = new HttpHeaders(new Netty4HeadersAdapter(new DefaultHttpHeaders()));
        ForwardedHeaders.copyToClient(upstreamGetResponseHeaders, client);
        return client;
    }

    @Benchmark
    public AuthResult verifyHeaderSignedPut() {
        return verifier.verify(headerPut);
    }

    @Benchmark
    public OperationTable.Recognised recogniseOperation() {
        return OperationTable.recognise(parsedPut);
    }

    @Benchmark
    public SdkHttpRequest signUpstreamPut() {
        return upstreamSigner.sign(upstreamPut, upstreamCredentials);
    }

    /** As botocore presigns: host signed, payload unsigned, an hour's expiry. */
    private static SignedRequest presigned(String method, String path) {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + KEY_ID + "%2F"
                + SCOPE.replace("/", "%2F") + "&X-Amz-Date=" + AMZ_DATE + "&X-Amz-Expires=3600"
                + "&X-Amz-SignedHeaders=host";
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("127.0.0.1:8080"));
        headers.put("user-agent", List.of("hey/0.0.1"));
        SignedRequest unsigned = new SignedRequest(method, path, query, headers);
        String canonical = CanonicalRequest.of(unsigned, List.of("host"), "X-Amz-Signature", "UNSIGNED-PAYLOAD");
        String signature = sign(canonical);
        return new SignedRequest(method, path, query + "&X-Amz-Signature=" + signature, headers);
    }

    /** As the AWS SDKs sign a 4 KiB PUT with an unsigned payload. */
    private static SignedRequest headerSigned(String method, String path) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("127.0.0.1:8080"));
        headers.put("content-length", List.of("4096"));
        headers.put("content-type", List.of("application/octet-stream"));
        headers.put("x-amz-content-sha256", List.of("UNSIGNED-PAYLOAD"));
        headers.put("x-amz-date", List.of(AMZ_DATE));
        List<String> signed = List.of("content-length", "content-type", "host", "x-amz-content-sha256", "x-amz-date");
        SignedRequest unsigned = new SignedRequest(method, path, null, headers);
        String signature = sign(CanonicalRequest.of(unsigned, signed, null, "UNSIGNED-PAYLOAD"));
        Map<String, List<String>> withAuth = new LinkedHashMap<>(headers);
        withAuth.put(
                "authorization",
                List.of("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/" + SCOPE + ", SignedHeaders="
                        + String.join(";", signed) + ", Signature=" + signature));
        withAuth.put("user-agent", List.of("aws-sdk-java/2.x"));
        return new SignedRequest(method, path, null, withAuth);
    }

    private static String sign(String canonical) {
        byte[] key = SigV4Signing.signingKey(SECRET, AMZ_DATE.substring(0, 8), "us-east-1", "s3");
        return SigV4Signing.signHex(key, SigV4Signing.stringToSign(AMZ_DATE, SCOPE, canonical));
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder()
                        .include(RequestAuthBenchmark.class.getSimpleName())
                        .build())
                .run();
    }
}
