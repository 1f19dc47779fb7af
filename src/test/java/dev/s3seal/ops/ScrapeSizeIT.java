package dev.s3seal.ops;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A Prometheus scrape stays cheap after a varied workload: every operation family, every mode of
 * the standard policy, successes, client errors and refusals, so the request timer has many tag
 * combinations. Its latency histogram uses a fixed set of buckets suited to S3 (milliseconds to
 * minutes), not a percentile histogram of some seventy buckets per combination, which made a scrape
 * of this workload several hundred KB. The bound is on size, never on time.
 */
class ScrapeSizeIT extends ProxyIntegrationTest {

    /** Generous against today's size (printed by the test), far below the percentile histograms' size. */
    static final int MAX_SCRAPE_BYTES = 160 * 1024;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @Test
    void shouldKeepTheScrapeSmallAfterAVariedWorkload() throws Exception {
        int before = scrape().length();
        String bucket = newBucket();
        try (S3Client alice = alice();
                S3Client forger = S3Clients.sync(endpoint(), ALICE_KEY, "wrong-secret-0123456789")) {
            for (String prefix : List.of("docs/", "public/", "kms/", "secret/")) {
                for (int i = 0; i < 3; i++) {
                    String key = prefix + "obj-" + i;
                    byte[] data = random(1000 * i);
                    ignoringErrors(() -> alice.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data)));
                    ignoringErrors(
                            () -> alice.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
                    ignoringErrors(() -> alice.getObjectAsBytes(
                            b -> b.bucket(bucket).key(key).range("bytes=0-10")));
                    ignoringErrors(() -> alice.headObject(b -> b.bucket(bucket).key(key)));
                    ignoringErrors(() -> alice.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey(key)
                            .destinationBucket(bucket)
                            .destinationKey(key + "-copy")));
                    ignoringErrors(
                            () -> alice.getObjectAsBytes(b -> b.bucket(bucket).key(key + "-missing")));
                    ignoringErrors(() -> alice.putObjectTagging(b -> b.bucket(bucket)
                            .key(key)
                            .tagging(t -> t.tagSet(s -> s.key("k").value("v")))));
                    ignoringErrors(
                            () -> forger.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
                    ignoringErrors(
                            () -> alice.deleteObject(b -> b.bucket(bucket).key(key + "-copy")));
                }
                ignoringErrors(() -> alice.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)));
                ignoringErrors(() -> multipart(alice, bucket, prefix + "multi"));
            }
            ignoringErrors(() -> alice.listObjects(b -> b.bucket(bucket)));
            ignoringErrors(() -> alice.listBuckets());
            ignoringErrors(() -> alice.getBucketVersioning(b -> b.bucket(bucket)));
            ignoringErrors(() -> alice.deleteObjects(b ->
                    b.bucket(bucket).delete(d -> d.objects(o -> o.key("docs/obj-1"), o -> o.key("public/obj-1")))));
        }
        String scrape = scrape();
        System.out.printf(
                "ScrapeSizeIT: scrape %d bytes before the workload, %d bytes after (%d lines)%n",
                before, scrape.length(), scrape.lines().count());
        System.out.println("ScrapeSizeIT: bytes by metric family, largest first: " + largestFamilies(scrape));
        assertThat(scrape)
                .contains("s3seal_requests_seconds_bucket")
                .contains("operation=\"COMPLETE_MULTIPART_UPLOAD\"");
        assertThat(scrape.length()).isLessThan(MAX_SCRAPE_BYTES);
    }

    private static String largestFamilies(String scrape) {
        Map<String, Integer> bytes = new TreeMap<>();
        scrape.lines()
                .filter(line -> !line.startsWith("#"))
                .forEach(line -> bytes.merge(
                        line.split("[{ ]", 2)[0].replaceAll("_(bucket|count|sum|max)$", ""),
                        line.length() + 1,
                        Integer::sum));
        return bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(6)
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static void multipart(S3Client client, String bucket, String key) {
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String etag = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                        RequestBody.fromBytes(random(70_000)))
                .eTag();
        client.listParts(b -> b.bucket(bucket).key(key).uploadId(id));
        client.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(id)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
    }

    private static void ignoringErrors(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException expected) {
            // refusals and missing keys are part of the workload: they add tag combinations
        }
    }

    private String scrape() throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
