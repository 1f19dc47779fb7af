package dev.s3seal.web;

import static dev.s3seal.testsupport.TestData.quotedMd5;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.testsupport.CliClients;
import dev.s3seal.testsupport.Command;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import dev.s3seal.testsupport.StoredCiphertext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The streamed answer of a completion or copy whose seal takes long ({@code web.exchange.SealResponse}): with
 * {@code s3seal.limits.seal-keep-alive-after=0} every such answer is a 200 committed at once, whitespace, then the
 * result or an {@code <Error>} document, and real clients (SDK sync and async, the AWS CLI) read it as S3's.
 */
@TestPropertySource(properties = "s3seal.limits.seal-keep-alive-after=0")
class SealKeepAliveIT extends StandardPolicyIntegrationTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path workDir;

    private String bucket;
    private S3Client client;

    @BeforeEach
    void setUp() {
        bucket = newBucket();
        client = alice();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void shouldAnswerLongCopyWithWhitespaceKeepAliveThatSdkReads() throws IOException {
        byte[] data = random(3 * MIB, 16);
        client.putObject(b -> b.bucket(bucket).key("public/slow"), RequestBody.fromBytes(data));
        AnswerFraming framing = new AnswerFraming();
        try (S3Client observed = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                .overrideConfiguration(c -> c.addExecutionInterceptor(framing))
                .build()) {
            CopyObjectResponse copied = observed.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("public/slow")
                    .destinationBucket(bucket)
                    .destinationKey("docs/slow"));
            assertThat(copied.copyObjectResult().eTag()).isEqualTo(quotedMd5(data));
        }
        // committed before the copy was done (the property reached SealResponse): no Content-Length, chunks
        assertThat(framing.withoutLength).containsExactly(true);
        assertThatThrownBy(() -> client.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("public/slow")
                        .destinationBucket(bucket)
                        .destinationKey("docs/slow-no")
                        .copySourceIfMatch("\"nope\"")))
                .isInstanceOf(S3Exception.class);
        assertThat(client.getObject(b -> b.bucket(bucket).key("docs/slow"), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
        assertThat(Files.exists(store().objectPath(bucket, "docs/slow-no"))).isFalse();
    }

    @Test
    void shouldRoundTripAsyncMultipartPutUnderKms() throws Exception {
        byte[] data = random(20 * MIB, 2);
        String key = "kms/async-20m";
        try (S3AsyncClient async = S3AsyncClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                .multipartEnabled(true)
                .multipartConfiguration(m -> m.minimumPartSizeInBytes(8L * MIB).thresholdInBytes(8L * MIB))
                .build()) {
            async.putObject(b -> b.bucket(bucket).key(key), AsyncRequestBody.fromBytes(data))
                    .get();
        }
        StoredCiphertext.assertSegmentedParts(
                Files.readAllBytes(store().objectPath(bucket, key)), data, new int[] {0, 8 * MIB, 16 * MIB, data.length
                });
        assertThat(store().directClient()
                        .headObject(b -> b.bucket(bucket).key(key))
                        .metadata())
                .containsEntry("s3seal-kp", "kms-layered")
                .containsEntry("s3seal-n", "3");
        assertThat(client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                        .asByteArray())
                .isEqualTo(data);
        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("kms/")).contents())
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(data.length));
    }

    @Test
    void shouldRoundTripAwsCliMultipartCopy() throws IOException {
        byte[] data = random(20 * MIB, 8);
        Path source = workDir.resolve("big.bin");
        Files.write(source, data);
        aws("s3", "cp", source.toString(), "s3://" + bucket + "/cli/big.bin");
        assertThat(store().directClient()
                        .headObject(b -> b.bucket(bucket).key("cli/big.bin"))
                        .eTag())
                .endsWith("-3\"");
        Path back = workDir.resolve("back.bin");
        aws("s3", "cp", "s3://" + bucket + "/cli/big.bin", back.toString());
        assertThat(Files.mismatch(source, back)).isEqualTo(-1L);
        assertThat(aws("s3", "ls", "s3://" + bucket + "/cli/").output()).contains(Integer.toString(data.length));
    }

    /** Whether each answer came without a Content-Length, i.e. committed before its body was known. */
    private static final class AnswerFraming implements ExecutionInterceptor {
        final List<Boolean> withoutLength = new CopyOnWriteArrayList<>();

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            withoutLength.add(
                    context.httpResponse().firstMatchingHeader("Content-Length").isEmpty());
        }
    }

    private Command.Result aws(String... args) {
        return new CliClients(endpoint(), ALICE_KEY, ALICE_SECRET, workDir).aws(args);
    }
}
