package dev.s3seal.keys;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.s3seal.testsupport.FaultProxy;
import dev.s3seal.testsupport.FaultProxy.Fault;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * KMS fails under traffic (a {@link FaultProxy} between s3seal and the real moto): down, throttling,
 * slow, mixed with reads of keys s3seal already holds. Writes that need KMS answer 503 SlowDown and
 * store nothing; reads of cached keys keep working throughout; once KMS answers again, writes work
 * without a restart.
 */
class KmsFaultsIT extends ProxyIntegrationTest {

    private static final FaultProxy kms = FaultProxy.inFrontOf(MotoServer.get().endpoint());

    @DynamicPropertySource
    static void policyWithKmsBehindFaults(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
        registry.add("s3seal.kms.endpoint", () -> kms.endpoint().toString());
    }

    @AfterEach
    void healKms() throws IOException {
        kms.clear();
        kms.acceptConnections();
    }

    @Test
    void shouldKeepReadingCachedKeysAndRefuseNewWritesRetryablyWhileKmsIsDownThrottlingOrSlow() throws IOException {
        String warm = newBucket();
        byte[] data = random(200_000, 1);
        try (S3Client client = alice()) {
            client.putObject(b -> b.bucket(warm).key("kms/doc"), RequestBody.fromBytes(data));
            assertThat(read(client, warm, "kms/doc")).isEqualTo(data);

            kms.refuseConnections();
            assertThat(read(client, warm, "kms/doc"))
                    .as("read while KMS is down")
                    .isEqualTo(data);
            assertWriteRefusedAndNothingStored(newBucket());

            kms.acceptConnections();
            kms.inject(request -> true, Fault.kmsThrottling(), 1000);
            assertThat(read(client, warm, "kms/doc"))
                    .as("read while KMS throttles")
                    .isEqualTo(data);
            assertWriteRefusedAndNothingStored(newBucket());
            kms.clear();

            kms.inject(request -> true, Fault.delay(Duration.ofSeconds(1)), 1000);
            String slow = newBucket();
            byte[] slowData = random(1000, 2);
            client.putObject(b -> b.bucket(slow).key("kms/doc"), RequestBody.fromBytes(slowData));
            assertThat(read(client, slow, "kms/doc"))
                    .as("written while KMS is slow")
                    .isEqualTo(slowData);
            kms.clear();

            // recovery without a restart: a bucket that needs a new key from KMS
            String after = newBucket();
            byte[] later = random(1000, 3);
            client.putObject(b -> b.bucket(after).key("kms/doc"), RequestBody.fromBytes(later));
            assertThat(read(client, after, "kms/doc")).isEqualTo(later);
            assertThat(read(client, warm, "kms/doc")).isEqualTo(data);
        }
        assertThat(kms.fired()).isGreaterThan(0);
        System.out.println("KmsFaultsIT: KMS faults injected " + kms.fired());
    }

    /**
     * A write that needs a new key from KMS: 503 SlowDown (SDKs retry it; this client does not, so each
     * write meets the fault once), and no object at the upstream.
     */
    private void assertWriteRefusedAndNothingStored(String bucket) {
        S3Exception refused;
        try (S3Client once = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(S3Clients.credentials(ALICE_KEY, ALICE_SECRET))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            refused = (S3Exception) catchThrowable(
                    () -> once.putObject(b -> b.bucket(bucket).key("kms/new"), RequestBody.fromBytes(random(1000, 4))));
        }
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
        try (S3Client direct = store().directClient()) {
            assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        }
    }

    private static byte[] read(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }
}
