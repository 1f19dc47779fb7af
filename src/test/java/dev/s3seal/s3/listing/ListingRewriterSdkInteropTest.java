package dev.s3seal.s3.listing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The rewritten listings are read by the AWS SDK's own S3 unmarshallers, served by a canned HTTP client. */
class ListingRewriterSdkInteropTest {

    private static final ListedObjectMapper PLAINTEXT = entry -> entry.withSizeAndEtag(
            entry.size() - 28, "\"plain-" + (entry.isPart() ? entry.partNumber() : entry.key()) + "\"");

    private final CannedHttpClient http = new CannedHttpClient();
    private final S3Client s3 = S3Client.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .endpointOverride(URI.create("http://localhost:9"))
            .forcePathStyle(true)
            .httpClient(http)
            .build();

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void shouldBeReadBySdkWhenV2ListingIsUrlEncoded() {
        List<String> mapperKeys = new ArrayList<>();
        http.body =
                ListingRewriter.rewrite(ListingSamples.LIST_V2_URL_ENCODED.getBytes(StandardCharsets.UTF_8), entry -> {
                    mapperKeys.add(entry.key());
                    return PLAINTEXT.map(entry);
                });

        ListObjectsV2Response response =
                s3.listObjectsV2(b -> b.bucket("example-bucket").encodingType(EncodingType.URL));

        assertThat(response.contents())
                .extracting(S3Object::key)
                .containsExactlyElementsOf(mapperKeys)
                .containsExactly("my file.txt", "a+b.txt", "Tom & Jerry", "café/日本.txt");
        assertThat(response.contents()).extracting(S3Object::size).containsExactly(72L, 172L, 272L, 372L);
        assertThat(response.contents())
                .extracting(S3Object::eTag)
                .containsExactly(
                        "\"plain-my file.txt\"", "\"plain-a+b.txt\"", "\"plain-Tom & Jerry\"", "\"plain-café/日本.txt\"");
    }

    @Test
    void shouldBeReadBySdkWhenListingHasThousandEntries() {
        http.body = ListingRewriter.rewrite(
                ListingSamples.largeListing(1000, i -> 100L + i, i -> "\"c" + i + "\"")
                        .getBytes(StandardCharsets.UTF_8),
                PLAINTEXT);

        ListObjectsV2Response response = s3.listObjectsV2(b -> b.bucket("example-bucket"));

        assertThat(response.contents()).hasSize(1000);
        S3Object last = response.contents().get(999);
        assertThat(last.key()).isEqualTo(ListingSamples.largeListingKey(999));
        assertThat(last.size()).isEqualTo(100L + 999 - 28);
        assertThat(last.eTag()).isEqualTo("\"plain-" + ListingSamples.largeListingKey(999) + "\"");
        assertThat(response.keyCount()).isEqualTo(1000);
    }

    @Test
    void shouldBeReadBySdkWhenListingVersions() {
        http.body = ListingRewriter.rewrite(ListingSamples.LIST_VERSIONS.getBytes(StandardCharsets.UTF_8), PLAINTEXT);

        ListObjectVersionsResponse response = s3.listObjectVersions(b -> b.bucket("example-bucket"));

        assertThat(response.versions()).extracting(ObjectVersion::size).containsExactly(434206L, 166406L);
        assertThat(response.versions())
                .extracting(ObjectVersion::eTag)
                .containsExactly("\"plain-my-image.jpg\"", "\"plain-my-second-image.jpg\"");
        assertThat(response.deleteMarkers())
                .singleElement()
                .satisfies(marker ->
                        assertThat(marker.versionId()).isEqualTo("03jpff543dhffds434rfdsFDN943fdsFkdmqnh892"));
    }

    @Test
    void shouldBeReadBySdkWhenListingParts() {
        http.body = ListingRewriter.rewrite(ListingSamples.LIST_PARTS.getBytes(StandardCharsets.UTF_8), PLAINTEXT);

        ListPartsResponse response = s3.listParts(b -> b.bucket("example-bucket")
                .key("videos/movie.m2ts")
                .uploadId("XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA"));

        assertThat(response.parts()).extracting(Part::partNumber).containsExactly(2, 3);
        assertThat(response.parts()).extracting(Part::size).containsExactly(10485788L, 10485788L);
        assertThat(response.parts()).extracting(Part::eTag).containsExactly("\"plain-2\"", "\"plain-3\"");
        assertThat(response.nextPartNumberMarker()).isEqualTo(3);
    }

    /** Answers every request with 200 and the current body. */
    private static final class CannedHttpClient implements SdkHttpClient {

        private volatile byte[] body;

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            byte[] current = body;
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder()
                                    .statusCode(200)
                                    .putHeader("Content-Type", "application/xml")
                                    .putHeader("Content-Length", Integer.toString(current.length))
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(current)))
                            .build();
                }

                @Override
                public void abort() {}
            };
        }

        @Override
        public void close() {}
    }
}
