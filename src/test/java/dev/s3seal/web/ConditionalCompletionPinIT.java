package dev.s3seal.web;

import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_KEY;
import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_SECRET;
import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.RecordingUpstream;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A conditional CompleteMultipartUpload under a client-side mode is pinned upstream to the object
 * s3seal evaluated the client's condition on (If-Match with its upstream ETag, If-None-Match: * when
 * there was none), and the seal's self-copy completes only over the object this upload completed
 * (If-Match with its ETag): an upstream that enforces conditional writes (S3) then refuses instead
 * of replacing an object written meanwhile. Seen on the requests that reach the upstream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConditionalCompletionPinIT {

    private static final RecordingUpstream recorder = RecordingUpstream.inFrontOfFilesystemStore();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void recordedUpstream(DynamicPropertyRegistry registry) throws IOException {
        recorder.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @Test
    void shouldPinTheCompletionToTheEvaluatedObjectAndTheSealToTheCompletedOne() {
        String bucket = "pin-" + UUID.randomUUID().toString().substring(0, 12);
        try (S3Client client = alice();
                S3Client direct = S3ProxyServer.filesystemStore().directClient()) {
            client.createBucket(b -> b.bucket(bucket));
            byte[] old = random(1000, 1);
            client.putObject(b -> b.bucket(bucket).key("docs/pinned"), RequestBody.fromBytes(old));
            String storedEtag =
                    direct.headObject(b -> b.bucket(bucket).key("docs/pinned")).eTag();

            recorder.clear();
            complete(client, bucket, "docs/pinned", b -> b.ifMatch(quotedMd5(old)));
            List<RecordingUpstream.Recorded> completions = completions();
            assertThat(completions).hasSize(2);
            assertThat(completions.get(0).header("if-match")).isEqualTo(storedEtag);
            String completedEtag = completions.get(1).header("if-match");
            assertThat(completedEtag).isNotNull().isNotEqualTo(storedEtag);
            assertThat(completions.get(1).header("if-none-match")).isNull();

            recorder.clear();
            complete(client, bucket, "docs/new", b -> b.ifNoneMatch("*"));
            completions = completions();
            assertThat(completions).hasSize(2);
            assertThat(completions.get(0).header("if-none-match")).isEqualTo("*");
            assertThat(completions.get(1).header("if-none-match")).isNull();
            assertThat(completions.get(1).header("if-match")).isNotNull();
        }
    }

    private static void complete(
            S3Client client,
            String bucket,
            String key,
            java.util.function.Consumer<CompleteMultipartUploadRequest.Builder> condition) {
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String etag = client.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                        RequestBody.fromBytes(random(70_000, 2)))
                .eTag();
        client.completeMultipartUpload(b -> {
            b.bucket(bucket)
                    .key(key)
                    .uploadId(id)
                    .multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(etag).build()));
            condition.accept(b);
        });
    }

    /** The CompleteMultipartUpload requests that reached the upstream, in order. */
    private static List<RecordingUpstream.Recorded> completions() {
        return recorder.requests().stream()
                .filter(r -> r.method().equals("POST")
                        && r.rawQuery() != null
                        && r.rawQuery().contains("uploadId="))
                .toList();
    }

    private S3Client alice() {
        return S3Clients.sync(URI.create("http://127.0.0.1:" + port), ALICE_KEY, ALICE_SECRET);
    }
}
