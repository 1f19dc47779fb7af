package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.SignedRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Presigned URLs made by the SDK, and both addressing styles, work through s3seal. */
class PresignedAndAddressingIT extends ProxyIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServePresignedPutAndGet() throws Exception {
        String bucket = newBucket();
        try (S3Presigner presigner = S3Clients.presigner(endpoint(), ALICE_KEY, ALICE_SECRET)) {
            URI putUrl = presigner
                    .presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .putObjectRequest(r -> r.bucket(bucket).key("pre/signed file.txt")))
                    .url()
                    .toURI();
            HttpResponse<String> put = http.send(
                    HttpRequest.newBuilder(putUrl)
                            .PUT(HttpRequest.BodyPublishers.ofString("presigned body"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

            URI getUrl = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(r -> r.bucket(bucket).key("pre/signed file.txt")))
                    .url()
                    .toURI();
            HttpResponse<String> get =
                    http.send(HttpRequest.newBuilder(getUrl).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("presigned body");
        }
    }

    @Test
    void shouldRefusePresignedUrlWithTamperedKey() throws Exception {
        String bucket = newBucket();
        try (S3Presigner presigner = S3Clients.presigner(endpoint(), ALICE_KEY, ALICE_SECRET)) {
            String url = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(r -> r.bucket(bucket).key("mine")))
                    .url()
                    .toString();
            HttpResponse<String> get = http.send(
                    HttpRequest.newBuilder(URI.create(url.replace("/mine?", "/other?")))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(403);
            assertThat(get.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        }
    }

    @Test
    void shouldRefuseAnonymousRequestsBeforeThePolicyAndSigV2PresignedUrlsWithAClearError() throws Exception {
        String bucket = newBucket();
        try (S3Client client = alice()) {
            client.putObject(b -> b.bucket(bucket).key("open"), RequestBody.fromString("public?"));
        }
        // anonymous: 403 AccessDenied whatever the policy (here passthrough) would say
        HttpResponse<String> anonymous = http.send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + "/open"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("<Code>AccessDenied</Code>");
        // a SigV2 presigned URL names the mechanism S3 retired, as S3 does
        HttpResponse<String> sigV2 = http.send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket
                                + "/open?AWSAccessKeyId=" + ALICE_KEY + "&Expires="
                                + (System.currentTimeMillis() / 1000 + 600)
                                + "&Signature=dGVzdA%3D%3D"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sigV2.statusCode()).isEqualTo(400);
        assertThat(sigV2.body()).contains("<Code>InvalidRequest</Code>").contains("Please use AWS4-HMAC-SHA256");
    }

    @Test
    void shouldServeVirtualHostedStyleRequests() throws Exception {
        String bucket = newBucket();
        // The request names the bucket in its Host header; s3seal is configured with base domain "localhost".
        URI virtualEndpoint = URI.create("http://" + bucket + ".localhost:" + port);
        byte[] body = "virtual".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        SignedRequests.Signed put = SignedRequests.put(
                virtualEndpoint,
                ALICE_KEY,
                ALICE_SECRET,
                "/vhost/key.txt",
                body,
                SignedRequests.Payload.SIGNED,
                java.time.Clock.systemUTC(),
                java.util.Map.of());
        RawHttp.Response putResponse =
                RawHttp.send(port, "PUT", put.pathAndQuery(), put.headers(), put.body(), body.length);
        assertThat(putResponse.status()).as(putResponse.body()).isEqualTo(200);

        SignedRequests.Signed get = SignedRequests.get(
                virtualEndpoint, ALICE_KEY, ALICE_SECRET, "/vhost/key.txt", java.time.Clock.systemUTC());
        RawHttp.Response getResponse = RawHttp.send(port, "GET", get.pathAndQuery(), get.headers(), new byte[0], 0);
        assertThat(getResponse.status()).isEqualTo(200);
        assertThat(getResponse.body()).isEqualTo("virtual");

        try (S3Client pathStyle = alice()) {
            assertThat(pathStyle
                            .getObject(b -> b.bucket(bucket).key("vhost/key.txt"), ResponseTransformer.toBytes())
                            .asUtf8String())
                    .isEqualTo("virtual");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> pathStyle.headObject(b -> b.bucket(bucket).key("absent")))
                    .isInstanceOf(NoSuchKeyException.class);
        }
    }
}
