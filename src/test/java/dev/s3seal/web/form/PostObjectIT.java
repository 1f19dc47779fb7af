package dev.s3seal.web.form;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.TestData;
import dev.s3seal.testsupport.TestPolicies;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Element;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Browser form uploads (PostObject) through s3seal in front of S3Proxy, sent as a browser sends them:
 * a hand-built {@code multipart/form-data} body, fields first, the file last, the POST policy signed
 * with the client's s3seal credential. Under the standard policy {@code public/} is passthrough,
 * {@code secret/} denied and every other key cse-local: a form upload is stored as the PutObject of
 * its key's mode (ciphertext at rest under cse-local), answers as S3 does (204, 201 with a
 * PostResponse, 303 to the redirect), and every refusal stores nothing.
 */
class PostObjectIT extends ProxyIntegrationTest {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private String bucket;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
        // below the cse-local test's 3 MiB file: it streams and is sealed by the self-copy
        registry.add("s3seal.limits.max-held-body", () -> "1MB");
    }

    @BeforeEach
    void createBucket() {
        bucket = newBucket();
    }

    @Test
    void shouldStoreAFormUploadUnderPassthroughAndAnswer204() throws Exception {
        String key = "public/" + UUID.randomUUID() + ".txt";
        byte[] file = "hello from a browser form\n".getBytes(StandardCharsets.UTF_8);
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "public/")
                .allowedField("Content-Type", "text/plain")
                .allowedField("x-amz-meta-origin", "form");

        HttpResponse<String> response = post(form, ALICE_SECRET, "hello.txt", file);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).isPresent();
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/" + bucket + "/" + key));
        try (S3Client client = alice();
                S3Client direct = store().directClient()) {
            ResponseBytes<GetObjectResponse> read =
                    client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            assertThat(read.asByteArray()).isEqualTo(file);
            assertThat(read.response().contentType()).isEqualTo("text/plain");
            assertThat(read.response().metadata()).containsEntry("origin", "form");
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .isEqualTo(file);
        }
    }

    @Test
    void shouldEncryptAFormUploadUnderCseLocalAndAnswer201WithAPostResponse() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        byte[] file = random(3 * 1024 * 1024 + 17);
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/")
                .allowedField("success_action_status", "201")
                .allowedField("Content-Type", "application/pdf")
                .allowedField("x-amz-meta-origin", "form")
                .condition("[\"content-length-range\", 1, 10485760]");

        HttpResponse<String> response = post(form, ALICE_SECRET, "report.pdf", file);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("ETag")).hasValue(TestData.quotedMd5(file));
        Element postResponse = xml(response.body());
        assertThat(postResponse.getTagName()).isEqualTo("PostResponse");
        assertThat(text(postResponse, "Bucket")).isEqualTo(bucket);
        assertThat(text(postResponse, "Key")).isEqualTo(key);
        assertThat(text(postResponse, "ETag"))
                .isEqualTo(response.headers().firstValue("ETag").orElseThrow());
        assertThat(text(postResponse, "Location")).endsWith("/" + bucket + "/" + key);
        try (S3Client client = alice();
                S3Client direct = store().directClient()) {
            ResponseBytes<GetObjectResponse> read =
                    client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            assertThat(read.asByteArray()).isEqualTo(file);
            assertThat(read.response().contentType()).isEqualTo("application/pdf");
            assertThat(read.response().metadata()).containsEntry("origin", "form");
            byte[] atRest =
                    direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            assertThat(atRest).hasSizeGreaterThan(file.length);
            assertThat(indexOf(atRest, java.util.Arrays.copyOfRange(file, 1000, 1064)))
                    .as("plaintext at rest")
                    .isNegative();
        }
    }

    @Test
    void shouldRedirectWithBucketKeyAndEtagWhenTheFormAsksForIt() throws Exception {
        String key = "uploads/${filename}";
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "uploads/")
                .allowedField("success_action_redirect", "https://example.com/done?from=form");

        HttpResponse<String> response = post(form, ALICE_SECRET, "photo.jpg", random(5000));

        assertThat(response.statusCode()).isEqualTo(303);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .startsWith(
                        "https://example.com/done?from=form&bucket=" + bucket + "&key=uploads%2Fphoto.jpg&etag=%22");
        try (S3Client client = alice()) {
            HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key("uploads/photo.jpg"));
            assertThat(head.contentLength()).isEqualTo(5000);
        }
    }

    @Test
    void shouldAcceptAFormSentWithExpectContinue() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        byte[] file = random(300_000);
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/");
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket))
                .header("Content-Type", form.contentType())
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body(ALICE_SECRET, "x.bin", file)))
                .build();

        // JDK 17's client never returns when a server answers the head without 100 Continue (its request
        // timeout does not cover that wait): the bound (not a timing assertion) makes it fail, not hang
        HttpResponse<String> response =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(1, TimeUnit.MINUTES);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        try (S3Client client = alice()) {
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .isEqualTo(file);
        }
    }

    @Test
    void shouldRefuseAFileLargerThanTheContentLengthRangeAndStoreNothing() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        BrowserForm form =
                BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/").condition("[\"content-length-range\", 0, 1024]");

        HttpResponse<String> response = post(form, ALICE_SECRET, "big.bin", random(4096));

        assertError(response, 400, "EntityTooLarge");
        assertNothingStored(key);
    }

    @Test
    void shouldRefuseAnExpiredPolicyAndStoreNothing() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/")
                .expiresAt(Instant.now().minusSeconds(60));

        HttpResponse<String> response = post(form, ALICE_SECRET, "late.txt", random(100));

        assertError(response, 403, "AccessDenied");
        assertThat(response.body()).contains("Invalid according to Policy: Policy expired.");
        assertNothingStored(key);
    }

    @Test
    void shouldRefuseAPolicySignedWithAnotherSecretAndStoreNothing() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/");

        HttpResponse<String> response = post(form, BOB_SECRET, "forged.txt", random(100));

        assertError(response, 403, "SignatureDoesNotMatch");
        assertNothingStored(key);
    }

    @Test
    void shouldRefuseAKeyOutsideThePolicysPrefixAndStoreNothing() throws Exception {
        String key = "elsewhere/" + UUID.randomUUID();
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/");

        HttpResponse<String> response = post(form, ALICE_SECRET, "x.txt", random(100));

        assertError(response, 403, "AccessDenied");
        assertThat(response.body()).contains("Invalid according to Policy: Policy Condition failed");
        assertNothingStored(key);
    }

    @Test
    void shouldRefuseAFormUploadThatS3sealsPolicyDeniesAndStoreNothing() throws Exception {
        String allowed = "docs/" + UUID.randomUUID();
        String denied = "secret/" + UUID.randomUUID();
        BrowserForm allowedForm = BrowserForm.signedBy(ALICE_KEY, bucket, allowed, "");
        BrowserForm deniedForm = BrowserForm.signedBy(ALICE_KEY, bucket, denied, "");

        HttpResponse<String> stored = post(allowedForm, ALICE_SECRET, "x.txt", random(100));
        HttpResponse<String> refused = post(deniedForm, ALICE_SECRET, "x.txt", random(100));

        assertThat(stored.statusCode())
                .as("the same form outside the deny rule")
                .isEqualTo(204);
        assertError(refused, 403, "AccessDenied");
        assertNothingStored(denied);
    }

    @Test
    void shouldRefuseAFieldAfterTheFileAndStoreNothingUnderPassthroughOrCseLocal() throws Exception {
        for (String prefix : new String[] {"public/", "docs/"}) {
            String key = prefix + UUID.randomUUID();
            BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, prefix);
            byte[] body = form.bodyWithFieldAfterFile(ALICE_SECRET, "x.bin", random(2 * 1024 * 1024));

            HttpResponse<String> response = post(form, body);

            assertError(response, 400, "MalformedPOSTRequest");
            assertNothingStored(key);
        }
    }

    @Test
    void shouldRefuseAFieldValueWithALineBreakAsInvalidArgumentAndStoreNothing() throws Exception {
        // a form field's value may hold CR LF (a header's cannot): as a header of the upstream write it
        // would split the request, so it is the client's mistake, never a 500
        for (String prefix : new String[] {"public/", "docs/"}) {
            String key = prefix + UUID.randomUUID();
            BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, prefix)
                    .field("x-amz-meta-note", "first\r\nx-amz-acl: public-read")
                    .condition("[\"starts-with\", \"$x-amz-meta-note\", \"\"]");

            HttpResponse<String> response = post(form, ALICE_SECRET, "x.txt", random(100));

            assertError(response, 400, "InvalidArgument");
            assertNothingStored(key);
        }
    }

    @Test
    void shouldRefuseAnUnknownCredential() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        BrowserForm form = BrowserForm.signedBy("nobody-key", bucket, key, "docs/");

        HttpResponse<String> response = post(form, ALICE_SECRET, "x.txt", random(100));

        assertError(response, 403, "InvalidAccessKeyId");
        assertNothingStored(key);
    }

    @Test
    void shouldRefuseAFieldThePolicyDoesNotName() throws Exception {
        String key = "docs/" + UUID.randomUUID();
        BrowserForm form = BrowserForm.signedBy(ALICE_KEY, bucket, key, "docs/").field("x-amz-meta-added", "later");

        HttpResponse<String> response = post(form, ALICE_SECRET, "x.txt", random(100));

        assertError(response, 403, "AccessDenied");
        assertThat(response.body()).contains("Extra input fields: x-amz-meta-added");
        assertNothingStored(key);
    }

    @Test
    void shouldRefuseAClientWithoutAGrantForTheBucket() throws Exception {
        ensureBobBucket();
        String key = "docs/" + UUID.randomUUID();
        BrowserForm granted = BrowserForm.signedBy(BOB_KEY, BOB_BUCKET, key, "docs/");
        BrowserForm notGranted = BrowserForm.signedBy(BOB_KEY, bucket, key, "docs/");

        HttpResponse<String> stored = post(BOB_BUCKET, granted, granted.body(BOB_SECRET, "x.txt", random(100)));
        HttpResponse<String> refused = post(notGranted, BOB_SECRET, "x.txt", random(100));

        assertThat(stored.statusCode()).as("bob's form to his own bucket").isEqualTo(204);
        assertError(refused, 403, "AccessDenied");
        assertNothingStored(key);
    }

    private HttpResponse<String> post(BrowserForm form, String secret, String fileName, byte[] file)
            throws IOException, InterruptedException {
        return post(form, form.body(secret, fileName, file));
    }

    private HttpResponse<String> post(BrowserForm form, byte[] body) throws IOException, InterruptedException {
        return post(bucket, form, body);
    }

    private HttpResponse<String> post(String toBucket, BrowserForm form, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/" + toBucket))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("<Code>" + code + "</Code>");
    }

    private void assertNothingStored(String key) {
        try (S3Client direct = store().directClient()) {
            assertThatThrownBy(() -> direct.headObject(b -> b.bucket(bucket).key(key)))
                    .isInstanceOf(NoSuchKeyException.class);
        }
    }

    private static Element xml(String document) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagName(name).item(0).getTextContent();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
