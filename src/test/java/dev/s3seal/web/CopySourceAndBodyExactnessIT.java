package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The attacks of the security review on copy sources and request bodies, end to end: the policy
 * denies a whole bucket and a prefix of another, and {@code archive/} may not be deleted. Each
 * hostile spelling that once made the upstream act on an object the policy had not checked is now
 * refused with S3's error, and the store, read directly, still holds the protected object untouched
 * and no copy of it. The forms real clients send keep working.
 */
class CopySourceAndBodyExactnessIT extends ProxyIntegrationTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String PRIVATE = "www-private-" + RUN;
    private static final String SITE = "www-site-" + RUN;
    private static final byte[] PLAN = "the private plan".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CREDS = "user=admin password=hunter2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP = "archived, never deleted".getBytes(StandardCharsets.UTF_8);

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(
                registry,
                List.of(
                        "  - name: private-bucket",
                        "    buckets: [" + PRIVATE + "]",
                        "    mode: deny",
                        "  - name: site-secrets",
                        "    buckets: [" + SITE + "]",
                        "    key-prefixes: [secret/]",
                        "    mode: deny",
                        "  - name: archive-kept",
                        "    key-prefixes: [archive/]",
                        "    operations: [delete]",
                        "    mode: deny",
                        "  - name: default",
                        "    mode: passthrough"));
    }

    private S3Client direct;
    private S3Client client;

    @BeforeEach
    void setUp() {
        direct = store().directClient();
        for (String bucket : List.of(PRIVATE, SITE)) {
            if (direct.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
                direct.createBucket(b -> b.bucket(bucket));
            }
        }
        direct.putObject(b -> b.bucket(PRIVATE).key("docs/plan.txt"), RequestBody.fromBytes(PLAN));
        direct.putObject(b -> b.bucket(SITE).key("secret/creds.txt"), RequestBody.fromBytes(CREDS));
        direct.putObject(b -> b.bucket(SITE).key("archive/keep.txt"), RequestBody.fromBytes(KEEP));
        client = alice();
    }

    @AfterEach
    void tearDown() {
        client.close();
        direct.close();
    }

    @Test
    void shouldRefuseCopyOutOfADeniedBucketNamedWithAnEncodedSlash() {
        assertAccessDenied(() -> client.copyObject(b -> b.copySource(PRIVATE + "%2Fdocs/plan.txt")
                .destinationBucket(SITE)
                .destinationKey("stolen/plan.txt")));
        assertAccessDenied(() -> client.copyObject(b -> b.copySource("/" + PRIVATE + "%2Fdocs%2Fplan.txt")
                .destinationBucket(SITE)
                .destinationKey("stolen/plan.txt")));

        assertAbsent(SITE, "stolen/plan.txt");
        assertThat(storedBytes(PRIVATE, "docs/plan.txt")).isEqualTo(PLAN);
    }

    @Test
    void shouldRefuseCopyOutOfADeniedPrefixNamedWithAnEncodedSlash() {
        assertAccessDenied(() -> client.copyObject(b -> b.copySource(SITE + "%2Fsecret/creds.txt")
                .destinationBucket(SITE)
                .destinationKey("open/creds.txt")));
        assertAccessDenied(() -> client.copyObject(b -> b.copySource(SITE + "%2fsecret%2fcreds.txt?versionId=null")
                .destinationBucket(SITE)
                .destinationKey("open/creds.txt")));

        assertAbsent(SITE, "open/creds.txt");
        assertThat(storedBytes(SITE, "secret/creds.txt")).isEqualTo(CREDS);
    }

    @Test
    void shouldRefuseUploadPartCopyOutOfADeniedBucketNamedWithAnEncodedSlash() {
        String uploadId = client.createMultipartUpload(b -> b.bucket(SITE).key("stolen/part"))
                .uploadId();
        assertAccessDenied(() -> client.uploadPartCopy(b -> b.copySource(PRIVATE + "%2Fdocs/plan.txt")
                .destinationBucket(SITE)
                .destinationKey("stolen/part")
                .uploadId(uploadId)
                .partNumber(1)));
        assertThat(direct.listParts(b -> b.bucket(SITE).key("stolen/part").uploadId(uploadId))
                        .parts())
                .isEmpty();
        client.abortMultipartUpload(b -> b.bucket(SITE).key("stolen/part").uploadId(uploadId));
    }

    @Test
    void shouldCopyTheObjectTheSourceNamesWhateverItsSpelling() {
        String key = "open/a b+c?d&e=%f.txt";
        byte[] data = "reserved characters".getBytes(StandardCharsets.UTF_8);
        direct.putObject(b -> b.bucket(SITE).key(key), RequestBody.fromBytes(data));
        direct.putObject(b -> b.bucket(SITE).key("open/a b c?d&e=%f.txt"), RequestBody.fromString("a decoy"));

        client.copyObject(
                b -> b.sourceBucket(SITE).sourceKey(key).destinationBucket(SITE).destinationKey("copy/1"));
        // the encoded slash S3 decodes before it splits: now read (and authorized) the way S3 reads it
        client.copyObject(b -> b.copySource(SITE + "%2Fopen%2Fa%20b%2Bc%3Fd%26e%3D%25f.txt")
                .destinationBucket(SITE)
                .destinationKey("copy/2"));
        // a raw '+' is a plus, as in a path: never the decoy's space
        client.copyObject(b -> b.copySource("/" + SITE + "/open/a%20b+c%3Fd%26e%3D%25f.txt")
                .destinationBucket(SITE)
                .destinationKey("copy/3"));

        for (String copy : List.of("copy/1", "copy/2", "copy/3")) {
            assertThat(storedBytes(SITE, copy)).as(copy).isEqualTo(data);
        }
    }

    @Test
    void shouldRefuseUploadPartCopyWithARangeOutsideTheSingleClosedForm() {
        direct.putObject(b -> b.bucket(SITE).key("open/ranged"), RequestBody.fromString("0123456789"));
        String uploadId =
                client.createMultipartUpload(b -> b.bucket(SITE).key("parts/r")).uploadId();
        for (String range : List.of("bytes=0-1,4-5", "bytes=2-", "bytes=-3", "0-1", "bytes=0-99999999999999999999")) {
            assertThatThrownBy(() -> client.uploadPartCopy(b -> b.sourceBucket(SITE)
                            .sourceKey("open/ranged")
                            .copySourceRange(range)
                            .destinationBucket(SITE)
                            .destinationKey("parts/r")
                            .uploadId(uploadId)
                            .partNumber(1)))
                    .as(range)
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
                    });
        }
        assertThat(direct.listParts(b -> b.bucket(SITE).key("parts/r").uploadId(uploadId))
                        .parts())
                .isEmpty();

        client.uploadPartCopy(b -> b.sourceBucket(SITE)
                .sourceKey("open/ranged")
                .copySourceRange("bytes=2-5")
                .destinationBucket(SITE)
                .destinationKey("parts/r")
                .uploadId(uploadId)
                .partNumber(1));
        assertThat(direct.listParts(b -> b.bucket(SITE).key("parts/r").uploadId(uploadId))
                        .parts())
                .singleElement()
                .satisfies(part -> assertThat(part.size()).isEqualTo(4L));
        client.abortMultipartUpload(b -> b.bucket(SITE).key("parts/r").uploadId(uploadId));
    }

    @Test
    void shouldRefuseDeleteObjectsInAttributeFormWithMalformedXml() throws IOException {
        RawHttp.Response response = deleteObjects("<Delete><Object Key=\"archive/keep.txt\"/></Delete>");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("MalformedXML");
        assertThat(response.body()).startsWith("<?xml").contains("<Error>");
        assertThat(storedBytes(SITE, "archive/keep.txt")).isEqualTo(KEEP);
    }

    @Test
    void shouldRefuseDeleteObjectsOutsideTheSchemaWhateverKeyItHides() throws IOException {
        for (String xml : List.of(
                "<Delete><Object><Key>open/x</Key><Key>archive/keep.txt</Key></Object></Delete>",
                "<Delete><Object><Name>archive/keep.txt</Name><Key>open/x</Key></Object></Delete>",
                "<Delete><Object><Key>open/x<Key>archive/keep.txt</Key></Key></Object></Delete>",
                "<Delete xmlns=\"http://example.com/\"><Object><Key>archive/keep.txt</Key></Object></Delete>",
                "<!DOCTYPE Delete [<!ENTITY k \"archive/keep.txt\">]><Delete><Object><Key>&k;</Key></Object></Delete>")) {
            RawHttp.Response response = deleteObjects(xml);
            assertThat(response.status()).as(xml).isEqualTo(400);
            assertThat(response.errorCode()).as(xml).isEqualTo("MalformedXML");
        }
        assertThat(storedBytes(SITE, "archive/keep.txt")).isEqualTo(KEEP);
    }

    @Test
    void shouldRefuseDeleteObjectsNamingADeniedKeyInAnyXmlSpelling() throws IOException {
        for (String key :
                List.of("<![CDATA[archive/keep.txt]]>", "archive&#x2F;keep.txt", "arch<!-- -->ive/keep.txt")) {
            RawHttp.Response response = deleteObjects("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<Object><Key>open/x</Key></Object><Object><Key>" + key + "</Key></Object></Delete>");
            assertThat(response.status()).as(key).isEqualTo(403);
            assertThat(response.errorCode()).as(key).isEqualTo("AccessDenied");
        }
        assertThat(storedBytes(SITE, "archive/keep.txt")).isEqualTo(KEEP);
    }

    @Test
    void shouldAnswerKeyTooLongForDeleteObjectsWithAnOverlongKey() throws IOException {
        RawHttp.Response response = deleteObjects("<Delete><Object><Key>" + "k".repeat(2000) + "</Key></Object>"
                + "<Object><Key>archive/keep.txt</Key></Object></Delete>");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("KeyTooLongError");
        assertThat(storedBytes(SITE, "archive/keep.txt")).isEqualTo(KEEP);
    }

    @Test
    void shouldDeleteExactlyTheKeysTheSdkNames() {
        List<String> keys = List.of("open/plain.txt", "open/a & <b>.txt", "open/ leading space", "open/\u20ac \"q\"");
        for (String key : keys) {
            direct.putObject(b -> b.bucket(SITE).key(key), RequestBody.fromString("x"));
        }
        direct.putObject(b -> b.bucket(SITE).key("open/a &amp; <b>.txt"), RequestBody.fromString("kept"));

        var result = client.deleteObjects(b -> b.bucket(SITE)
                .delete(d -> d.objects(keys.stream()
                        .map(k -> ObjectIdentifier.builder().key(k).build())
                        .toList())));

        assertThat(result.errors()).isEmpty();
        assertThat(result.deleted()).extracting(deleted -> deleted.key()).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : keys) {
            assertAbsent(SITE, key);
        }
        assertThat(storedBytes(SITE, "open/a &amp; <b>.txt")).isEqualTo("kept".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseACopyNamingTwoSources() throws IOException {
        direct.putObject(b -> b.bucket(SITE).key("open/src"), RequestBody.fromString("allowed"));
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(endpoint().resolve("/" + SITE + "/open/dup"))
                .protocol("https")
                .port(port)
                .appendHeader("x-amz-copy-source", SITE + "/open/src")
                .appendHeader("x-amz-copy-source", PRIVATE + "/docs/plan.txt")
                .putHeader("Content-Length", "0")
                .build();

        RawHttp.Response response = send("PUT", request, new byte[0]);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("InvalidArgument");
        assertAbsent(SITE, "open/dup");
    }

    private void assertAccessDenied(Runnable request) {
        assertThatThrownBy(request::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        });
    }

    private void assertAbsent(String bucket, String key) {
        assertThatThrownBy(() -> direct.headObject(b -> b.bucket(bucket).key(key)))
                .as(key)
                .isInstanceOf(NoSuchKeyException.class);
    }

    private byte[] storedBytes(String bucket, String key) {
        return direct.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
    }

    /** A DeleteObjects with exactly {@code xml} as its body, correctly signed with a Content-MD5. */
    private RawHttp.Response deleteObjects(String xml) throws IOException {
        return signedPost("/" + SITE + "?delete", xml.getBytes(StandardCharsets.UTF_8), "application/xml");
    }

    private RawHttp.Response signedPost(String pathAndQuery, byte[] body, String contentType) throws IOException {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint().resolve(pathAndQuery))
                .protocol("https")
                .port(port)
                .putHeader("Content-MD5", Base64.getEncoder().encodeToString(md5(body)))
                .putHeader("Content-Type", contentType)
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        return send("POST", request, body);
    }

    /** {@code request} signed by the SDK's signer as alice, sent raw. */
    private RawHttp.Response send(String method, SdkHttpRequest request, byte[] body) throws IOException {
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET))
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        signed.request().forEachHeader((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        URI signedUri = signed.request().getUri();
        String query = signedUri.getRawQuery() == null ? "" : "?" + signedUri.getRawQuery();
        return RawHttp.send(port, method, signedUri.getRawPath() + query, headers, body, body.length);
    }
}
