package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.base64Md5;
import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.TestPolicies;
import dev.s3seal.testsupport.TwoPartUpload;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Against an upstream with versioning and tagging (moto's S3; S3Proxy has neither, and moto does
 * not check signatures, so the signing tests stay on S3Proxy): version listings, the sealing
 * self-copies on versioned buckets, and tags through the seal and through copies s3seal writes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VersioningAndTaggingUpstreamIT {

    @LocalServerPort
    int port;

    /** Not a ProxyIntegrationTest: that one's S3Proxy upstream would win over this class's registration. */
    @DynamicPropertySource
    static void versionedUpstream(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
        MotoServer moto = MotoServer.get();
        registry.add("s3seal.upstream.endpoint", () -> moto.endpoint().toString());
        registry.add("s3seal.upstream.access-key-id", () -> "test");
        registry.add("s3seal.upstream.secret-access-key", () -> "test");
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ProxyIntegrationTest.ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ProxyIntegrationTest.ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
    }

    /** A client of moto's S3 itself, to set buckets up and see what is stored. */
    private static S3Client motoDirect() {
        return S3Client.builder()
                .endpointOverride(MotoServer.get().endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(MotoServer.CREDENTIALS)
                .build();
    }

    private S3Client alice() {
        return S3Clients.sync(
                java.net.URI.create("http://127.0.0.1:" + port),
                ProxyIntegrationTest.ALICE_KEY,
                ProxyIntegrationTest.ALICE_SECRET);
    }

    @Test
    void shouldListEveryVersionWithItsPlaintextSizeAndMd5() throws Exception {
        String bucket = "v-" + java.util.UUID.randomUUID().toString().substring(0, 12);
        try (S3Client direct = motoDirect();
                S3Client client = alice()) {
            direct.createBucket(b -> b.bucket(bucket));
            direct.putBucketVersioning(
                    b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            byte[] first = random(1000, 1);
            byte[] second = random(70_000, 2);
            client.putObject(
                    b -> b.bucket(bucket).key("docs/v").contentMD5(base64Md5(first)), RequestBody.fromBytes(first));
            client.putObject(
                    b -> b.bucket(bucket).key("docs/v").contentMD5(base64Md5(second)), RequestBody.fromBytes(second));

            List<ObjectVersion> versions = client.listObjectVersions(
                            b -> b.bucket(bucket).prefix("docs/"))
                    .versions();
            assertThat(versions).hasSize(2);
            assertThat(versions)
                    .extracting(ObjectVersion::eTag)
                    .containsExactlyInAnyOrder(quotedMd5(first), quotedMd5(second));
            assertThat(versions).extracting(ObjectVersion::size).containsExactlyInAnyOrder((long) first.length, (long)
                    second.length);
            // at rest: ciphertext, larger than the plaintext
            assertThat(direct.listObjectVersions(b -> b.bucket(bucket).prefix("docs/"))
                            .versions())
                    .allSatisfy(v -> assertThat(v.eTag()).isNotIn(quotedMd5(first), quotedMd5(second)));
        }
    }

    /**
     * s3seal's sealing self-copies (PUT without Content-MD5, multipart completion) write twice: the
     * superseded first write is deleted, so each upload leaves exactly the one version the client made.
     */
    @Test
    void shouldLeaveOneVersionPerUploadWhenSealingCopiesOnAVersionedBucket() {
        String bucket = "s-" + java.util.UUID.randomUUID().toString().substring(0, 12);
        try (S3Client direct = motoDirect();
                S3Client client = alice()) {
            direct.createBucket(b -> b.bucket(bucket));
            direct.putBucketVersioning(
                    b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            byte[] small = random(2000, 4);
            String putVersion = client.putObject(b -> b.bucket(bucket).key("docs/put"), RequestBody.fromBytes(small))
                    .versionId();
            List<ObjectVersion> put = direct.listObjectVersions(
                            b -> b.bucket(bucket).prefix("docs/put"))
                    .versions();
            assertThat(put)
                    .singleElement()
                    .satisfies(v -> assertThat(v.versionId()).isEqualTo(putVersion));
            assertThat(direct.headObject(b -> b.bucket(bucket).key("docs/put")).metadata())
                    .containsKey("s3seal-h");

            byte[] data = random(5 * 1024 * 1024 + 10, 5);
            String key = "docs/mp";
            TwoPartUpload.upload(client, bucket, key, data, 5 * 1024 * 1024, create -> {});
            assertThat(direct.listObjectVersions(b -> b.bucket(bucket).prefix(key))
                            .versions())
                    .hasSize(1);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .isEqualTo(data);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("docs/put"))
                            .asByteArray())
                    .isEqualTo(small);
        }
    }

    /** Tags given at CreateMultipartUpload survive s3seal's sealing self-copy (S3Proxy has no tagging). */
    @Test
    void shouldKeepTagsGivenAtCreationThroughTheSeal() {
        String bucket = "t-" + java.util.UUID.randomUUID().toString().substring(0, 12);
        try (S3Client direct = motoDirect();
                S3Client client = alice()) {
            direct.createBucket(b -> b.bucket(bucket));
            byte[] data = random(5 * 1024 * 1024 + 10, 3);
            String key = "docs/tagged";
            TwoPartUpload.upload(
                    client, bucket, key, data, 5 * 1024 * 1024, create -> create.tagging("team=blue&tier=a b"));

            assertThat(direct.headObject(b -> b.bucket(bucket).key(key)).metadata())
                    .containsEntry("s3seal-n", "2");
            assertThat(direct.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet())
                    .extracting(t -> t.key() + "=" + t.value())
                    .containsExactlyInAnyOrder("team=blue", "tier=a b");
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .isEqualTo(data);
        }
    }

    /** A copy s3seal re-encrypts takes the source's tags (S3's default tagging directive, COPY), or the request's with REPLACE. */
    @Test
    void shouldCarryTheSourcesTagsThroughAReencryptingCopy() {
        String bucket = "c-" + java.util.UUID.randomUUID().toString().substring(0, 12);
        try (S3Client direct = motoDirect();
                S3Client client = alice()) {
            direct.createBucket(b -> b.bucket(bucket));
            byte[] data = random(3000, 6);
            client.putObject(b -> b.bucket(bucket).key("docs/src").tagging("team=blue"), RequestBody.fromBytes(data));
            // cse-local to passthrough: s3seal decrypts and writes the copy itself
            client.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("docs/src")
                    .destinationBucket(bucket)
                    .destinationKey("public/copy"));
            assertThat(direct.getObjectTagging(b -> b.bucket(bucket).key("public/copy"))
                            .tagSet())
                    .extracting(t -> t.key() + "=" + t.value())
                    .containsExactly("team=blue");
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket).key("public/copy"))
                            .asByteArray())
                    .isEqualTo(data);
            client.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("docs/src")
                    .destinationBucket(bucket)
                    .destinationKey("public/retagged")
                    .taggingDirective("REPLACE")
                    .tagging("team=red"));
            assertThat(direct.getObjectTagging(b -> b.bucket(bucket).key("public/retagged"))
                            .tagSet())
                    .extracting(t -> t.key() + "=" + t.value())
                    .containsExactly("team=red");
        }
    }
}
