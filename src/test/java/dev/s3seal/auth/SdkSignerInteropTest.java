package dev.s3seal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.auth.payload.AwsChunkedDecodingTest;
import dev.s3seal.auth.payload.PayloadVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Interop with the real client: requests and aws-chunked bodies signed by the AWS SDK for Java v2
 * signer (the one the SDK's S3 client uses) must verify, in every payload mode the SDK produces.
 */
class SdkSignerInteropTest {

    private static final byte[] PAYLOAD = AwsChunkedDecodingTest.payload(200_000);
    private static final SigV4Verifier VERIFIER =
            new SigV4Verifier(RequestSigner.exampleStore(), Clock.systemUTC(), Duration.ofMinutes(15));

    private record Signed(SignedRequest request, byte[] body) {}

    private static Signed sign(String encodedPath, Consumer<SignRequest.Builder<AwsCredentialsIdentity>> options) {
        SdkHttpRequest http = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(URI.create("https://examplebucket.s3.amazonaws.com"))
                .encodedPath(encodedPath)
                .putRawQueryParameter("x-id", "PutObject")
                .putHeader("Content-Length", Integer.toString(PAYLOAD.length))
                .putHeader("x-amz-meta-note", "  spaced   value ")
                .build();
        var signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(RequestSigner.KEY_ID, RequestSigner.SECRET))
                    .request(http)
                    .payload(ContentStreamProvider.fromByteArray(PAYLOAD))
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1")
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false);
            options.accept(r);
        });
        SdkHttpRequest out = signed.request();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        out.forEachHeader(
                (name, values) -> headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .addAll(values));
        SignedRequest request =
                new SignedRequest("PUT", out.encodedPath(), out.getUri().getRawQuery(), headers);
        return new Signed(
                request, signed.payload().map(SdkSignerInteropTest::readAll).orElse(PAYLOAD));
    }

    private static byte[] readAll(ContentStreamProvider provider) {
        try (InputStream in = provider.newStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertVerifies(Signed signed, PayloadMode expectedMode) {
        AuthResult auth = VERIFIER.verify(signed.request());
        assertThat(auth.payloadMode()).isEqualTo(expectedMode);
        PayloadVerifier payload =
                PayloadVerifier.forRequest(auth, signed.request().headers());
        assertThat(ChunkedBodies.decode(payload, signed.body(), 8191)).isEqualTo(PAYLOAD);
    }

    @Test
    void shouldVerifySdkSignedPayload() {
        assertVerifies(
                sign(
                        "/examplebucket/a%20b%2Bc~d/%C3%A9.txt",
                        r -> r.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)),
                PayloadMode.SIGNED);
    }

    @Test
    void shouldVerifySdkStreamingSignedChunks() {
        assertVerifies(
                sign(
                        "/examplebucket/key",
                        r -> r.putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)),
                PayloadMode.STREAMING_SIGNED);
    }

    @Test
    void shouldVerifySdkStreamingSignedChunksWithCrc32Trailer() {
        assertVerifies(
                sign(
                        "/examplebucket/key",
                        r -> r.putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                                .putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32)),
                PayloadMode.STREAMING_SIGNED_TRAILER);
    }

    @Test
    void shouldVerifySdkUnsignedPayloadWithCrc32cTrailer() {
        assertVerifies(
                sign(
                        "/examplebucket/key",
                        r -> r.putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                                .putProperty(
                                        AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32C)),
                PayloadMode.STREAMING_UNSIGNED_TRAILER);
    }

    @Test
    void shouldVerifySdkPresignedUrl() {
        Signed signed = sign(
                "/examplebucket/key",
                r -> r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5))
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        assertThat(signed.request().rawQuery()).contains("X-Amz-Signature=");
        assertThat(VERIFIER.verify(signed.request()).payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
    }
}
