package dev.s3seal.crypto.s3ec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.keys.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.keys.s3ec.S3ecKeyUnwrapper;
import dev.s3seal.stream.s3ec.S3ecDecryptOperator;
import dev.s3seal.stream.s3ec.S3ecOperatorsTest;
import dev.s3seal.stream.s3ec.S3ecTwoPassDecryptOperator;
import dev.s3seal.stream.s3ec.UnauthenticatedRangeOperator;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TrackingBuffers;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.encryption.s3.CommitmentPolicy;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.algorithms.AlgorithmSuite;
import software.amazon.encryption.s3.materials.AesKeyring;
import software.amazon.encryption.s3.materials.KmsKeyring;

/**
 * Interop with the real AWS S3 Encryption Client 4.0.0 as the oracle, over a real S3Proxy (transient store)
 * and a real moto KMS. (a) the client writes, s3seal reads the raw object; (b) s3seal writes the raw object,
 * the client reads; (c) tampering with client-written objects is caught by s3seal.
 */
class AwsClientInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int[] SIZES = {0, 1, 16 * 1024 + 3, 1024 * 1024 + 5};

    private static S3Client s3;
    private static S3AsyncClient s3Async;
    private static KmsClient kmsSync;
    private static KmsAsyncClient kmsAsync;
    private static String bucket;
    private static String kmsKeyId;
    private static SecretKey aesKey;
    private static S3EncryptionClient awsKmsV3;
    private static S3EncryptionClient awsAesV3;
    private static S3EncryptionClient awsKmsV2;
    private static S3EncryptionClient awsAesV2;

    private final TrackingBuffers buffers = new TrackingBuffers();

    @BeforeAll
    static void startComponents() {
        S3ProxyServer proxy = S3ProxyServer.transientStore();
        s3 = proxy.directClient();
        s3Async = S3Clients.async(proxy.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        bucket = "s3ec-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));

        MotoServer moto = MotoServer.get();
        kmsKeyId = moto.createKey("s3ec-" + UUID.randomUUID());
        kmsSync = KmsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.of(MotoServer.REGION))
                .credentialsProvider(MotoServer.CREDENTIALS)
                .build();
        kmsAsync = KmsAsyncClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.of(MotoServer.REGION))
                .credentialsProvider(MotoServer.CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
        aesKey = new SecretKeySpec(S3ecOperatorsTest.random(32), "AES");

        awsKmsV3 = awsClient(false, true);
        awsAesV3 = awsClient(false, false);
        awsKmsV2 = awsClient(true, true);
        awsAesV2 = awsClient(true, false);
    }

    private static S3EncryptionClient awsClient(boolean legacyV2, boolean kms) {
        S3EncryptionClient.Builder b = S3EncryptionClient.builderV4()
                .wrappedClient(s3)
                .wrappedAsyncClient(s3Async)
                .region(Region.US_EAST_1)
                .credentialsProvider(S3Clients.credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        if (kms) {
            b.keyring(KmsKeyring.builder()
                    .kmsClient(kmsSync)
                    .wrappingKeyId(kmsKeyId)
                    .build());
        } else {
            b.keyring(AesKeyring.builder().wrappingKey(aesKey).build());
        }
        if (legacyV2) {
            b.commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
                    .encryptionAlgorithm(AlgorithmSuite.ALG_AES_256_GCM_IV12_TAG16_NO_KDF);
        }
        return b.build();
    }

    @AfterAll
    static void close() {
        for (AutoCloseable c :
                new AutoCloseable[] {awsKmsV3, awsAesV3, awsKmsV2, awsAesV2, kmsSync, kmsAsync, s3Async, s3}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @AfterEach
    void noLeaks() {
        buffers.assertAllReleased();
    }

    // ---- (a) AWS client writes, s3seal reads -------------------------------------------------------

    @Test
    void shouldReadObjectWrittenByAwsClientWhenKmsKeyringV3() {
        readAll(awsKmsV3, kmsUnwrapper(), "x-amz-c", Map.of());
    }

    @Test
    void shouldReadObjectWrittenByAwsClientWhenKmsKeyringV3WithEncryptionContext() {
        readAll(awsKmsV3, kmsUnwrapper(), "x-amz-c", Map.of("tenant", "t-42", "purpose", "interop"));
    }

    @Test
    void shouldReadObjectWrittenByAwsClientWhenAesKeyringV3() {
        readAll(awsAesV3, S3ecKeyUnwrapper.aes(aesKey), "x-amz-c", Map.of());
    }

    @Test
    void shouldReadObjectWrittenByAwsClientWhenKmsKeyringV2() {
        readAll(awsKmsV2, kmsUnwrapper(), "x-amz-key-v2", Map.of());
    }

    @Test
    void shouldReadObjectWrittenByAwsClientWhenAesKeyringV2() {
        readAll(awsAesV2, S3ecKeyUnwrapper.aes(aesKey), "x-amz-key-v2", Map.of());
    }

    /**
     * The AWS client, our oracle, occasionally stalls its own legacy-V2 body publisher under load
     * (the SDK reports "No data was written to the request body") and cannot retry (it would reuse
     * its GCM IV). Each new putObject call encrypts afresh, so the oracle's write is tried again;
     * what s3seal must decode is unchanged.
     */
    private static void writeWithOracle(
            S3EncryptionClient aws, String key, byte[] plaintext, Map<String, String> context) {
        for (int attempt = 1; ; attempt++) {
            try {
                aws.putObject(
                        b -> b.bucket(bucket)
                                .key(key)
                                .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(context)),
                        RequestBody.fromBytes(plaintext));
                return;
            } catch (software.amazon.encryption.s3.S3EncryptionClientException stalled) {
                if (attempt == 3) {
                    throw stalled;
                }
            }
        }
    }

    private void readAll(
            S3EncryptionClient aws, S3ecKeyUnwrapper unwrapper, String formatMarker, Map<String, String> context) {
        for (int size : SIZES) {
            byte[] plaintext = S3ecOperatorsTest.random(size);
            String key = "aws-written/" + UUID.randomUUID();
            writeWithOracle(aws, key, plaintext, context);
            ResponseBytes<GetObjectResponse> raw =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            assertThat(raw.response().metadata()).containsKey(formatMarker);
            assertThat(raw.asByteArray()).hasSize(size + 16);

            S3ecMetadata md = S3ecMetadata.fromHeaders(headers(raw.response()));
            assertThat(S3ecMetadata.fromUserMetadata(raw.response().metadata()))
                    .usingRecursiveComparison()
                    .isEqualTo(md);
            byte[] dataKey =
                    unwrapper.unwrap(md, context.isEmpty() ? null : context).block(WAIT);
            try (S3ecContentKey contentKey = S3ecContentKey.forDecryption(md, dataKey)) {
                byte[] got = collect(buffers.chunked(raw.asByteArray(), 8191)
                        .transform(new S3ecDecryptOperator(contentKey, buffers)));
                assertThat(got).as("size %d", size).isEqualTo(plaintext);
            }
        }
    }

    @Test
    void shouldStreamOnlyAfterVerifyingWhenTwoPassOverTwoRealGets() {
        byte[] plaintext = S3ecOperatorsTest.random(1024 * 1024 + 5);
        String key = "two-pass/" + UUID.randomUUID();
        awsKmsV3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(plaintext));
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(
                s3.headObject(b -> b.bucket(bucket).key(key)).metadata());
        byte[] dataKey = kmsUnwrapper().unwrap(md).block(WAIT);
        int[] gets = {0};
        try (S3ecContentKey contentKey = S3ecContentKey.forDecryption(md, dataKey)) {
            Flux<DataBuffer> first = streamingGet(key, gets);
            byte[] got = collect(first.transform(
                    new S3ecTwoPassDecryptOperator(contentKey, buffers, () -> streamingGet(key, gets))));
            assertThat(got).isEqualTo(plaintext);
        }
        assertThat(gets[0]).isEqualTo(2);
    }

    @Test
    void shouldServeRealRangedGetWhenUnauthenticatedRangesEnabled() {
        byte[] plaintext = S3ecOperatorsTest.random(100_000);
        String key = "range/" + UUID.randomUUID();
        awsAesV3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(plaintext));
        var head = s3.headObject(b -> b.bucket(bucket).key(key));
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(head.metadata());
        byte[] dataKey = S3ecKeyUnwrapper.aes(aesKey).unwrap(md).block(WAIT);
        try (S3ecContentKey contentKey = S3ecContentKey.forDecryption(md, dataKey)) {
            long[][] ranges = {{0, 0}, {1, 16}, {15, 17}, {4097, 70_001}, {99_990, 200_000}};
            for (long[] r : ranges) {
                UnauthenticatedRange range = UnauthenticatedRange.of(r[0], r[1], head.contentLength());
                byte[] fetched = s3.getObjectAsBytes(
                                b -> b.bucket(bucket).key(key).range(range.upstreamRangeHeader()))
                        .asByteArray();
                byte[] got = collect(buffers.chunked(fetched, 1000)
                        .transform(new UnauthenticatedRangeOperator(
                                contentKey, range, new S3ecReadOptions(true), buffers)));
                assertThat(got)
                        .isEqualTo(java.util.Arrays.copyOfRange(
                                plaintext, (int) r[0], (int) Math.min(r[1], plaintext.length - 1) + 1));
            }
        }
    }

    // ---- (b) s3seal writes, AWS client reads -------------------------------------------------------

    @Test
    void shouldBeReadByAwsClientWhenS3sealWritesV3WithKms() {
        for (Map<String, String> context : List.of(Map.<String, String>of(), Map.of("tenant", "t-7"))) {
            for (int size : SIZES) {
                S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.kms(
                                kmsAsync, kmsKeyId, context, RANDOM, Duration.ofSeconds(10))
                        .block(WAIT);
                writeThenReadWithAwsClient(materials, size, awsKmsV3, context);
            }
        }
    }

    @Test
    void shouldBeReadByAwsClientWhenS3sealWritesV3WithAesKey() {
        for (int size : SIZES) {
            writeThenReadWithAwsClient(S3ecEncryptionMaterials.aes(aesKey, RANDOM), size, awsAesV3, Map.of());
        }
    }

    private void writeThenReadWithAwsClient(
            S3ecEncryptionMaterials materials, int size, S3EncryptionClient aws, Map<String, String> context) {
        byte[] plaintext = S3ecOperatorsTest.random(size);
        String key = "s3seal-written/" + UUID.randomUUID();
        try (materials) {
            byte[] ciphertext = collect(buffers.chunked(plaintext, 4093).transform(materials.encryptOperator(buffers)));
            assertThat((long) ciphertext.length).isEqualTo(S3ecEncryptionMaterials.ciphertextLength(size));
            s3.putObject(
                    b -> b.bucket(bucket).key(key).metadata(materials.userMetadata()),
                    RequestBody.fromBytes(ciphertext));
        }
        byte[] got = aws.getObjectAsBytes(b -> b.bucket(bucket)
                        .key(key)
                        .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(context)))
                .asByteArray();
        assertThat(got).as("size %d", size).isEqualTo(plaintext);
    }

    // ---- (c) tampering with AWS-client-written objects ---------------------------------------------

    @Test
    void shouldNeverCompleteWhenCiphertextBitFlipped() {
        Written w = writeWithAwsClient(awsKmsV3, 20_000);
        byte[] body = w.body.clone();
        body[12_345] ^= 0x10;
        expectAuthenticationFailure(w.metadata, body, kmsUnwrapper());
    }

    @Test
    void shouldNeverCompleteWhenTagBitFlipped() {
        Written w = writeWithAwsClient(awsAesV3, 20_000);
        byte[] body = w.body.clone();
        body[body.length - 1] ^= 0x01;
        expectAuthenticationFailure(w.metadata, body, S3ecKeyUnwrapper.aes(aesKey));
    }

    @Test
    void shouldNeverCompleteWhenV2CiphertextBitFlipped() {
        Written w = writeWithAwsClient(awsKmsV2, 5_000);
        byte[] body = w.body.clone();
        body[0] ^= (byte) 0x80;
        expectAuthenticationFailure(w.metadata, body, kmsUnwrapper());
    }

    @Test
    void shouldRefuseBeforeDecryptingWhenCommitmentByteChanged() {
        Written w = writeWithAwsClient(awsKmsV3, 1000);
        Map<String, String> md = new HashMap<>(w.metadata);
        byte[] commitment = Base64.getDecoder().decode(md.get("x-amz-d"));
        commitment[0] ^= 1;
        md.put("x-amz-d", Base64.getEncoder().encodeToString(commitment));
        expectRefusedOnOpen(md, kmsUnwrapper(), S3ecException.Reason.COMMITMENT_MISMATCH);
    }

    @Test
    void shouldRefuseWhenMessageIdChanged() {
        Written w = writeWithAwsClient(awsAesV3, 1000);
        Map<String, String> md = new HashMap<>(w.metadata);
        byte[] messageId = Base64.getDecoder().decode(md.get("x-amz-i"));
        messageId[27] ^= 1;
        md.put("x-amz-i", Base64.getEncoder().encodeToString(messageId));
        expectRefusedOnOpen(md, S3ecKeyUnwrapper.aes(aesKey), S3ecException.Reason.COMMITMENT_MISMATCH);
    }

    @Test
    void shouldRefuseWhenStoredEncryptionContextAltered() {
        Written w = writeWithAwsClient(awsKmsV3, 1000, Map.of("tenant", "a"));
        Map<String, String> md = new HashMap<>(w.metadata);
        md.put("x-amz-t", md.get("x-amz-t").replace("\"a\"", "\"b\""));
        assertThat(md.get("x-amz-t")).contains("\"b\"");
        expectRefusedOnOpen(md, kmsUnwrapper(), S3ecException.Reason.KEY_UNWRAP_FAILED);
    }

    @Test
    void shouldRefuseWhenExpectedEncryptionContextDiffers() {
        Written w = writeWithAwsClient(awsKmsV3, 1000, Map.of("tenant", "a"));
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(w.metadata);
        StepVerifier.create(kmsUnwrapper().unwrap(md, Map.of("tenant", "b")))
                .expectErrorSatisfies(
                        e -> assertThat(((S3ecException) e).reason()).isEqualTo(S3ecException.Reason.CONTEXT_MISMATCH))
                .verify(WAIT);
    }

    @Test
    void shouldRefuseWhenV3KeyIsPresentedAsV2() {
        Written w = writeWithAwsClient(awsAesV3, 1000);
        Map<String, String> v2 = new HashMap<>();
        v2.put("x-amz-key-v2", w.metadata.get("x-amz-3"));
        v2.put("x-amz-iv", Base64.getEncoder().encodeToString(new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
        v2.put("x-amz-cek-alg", "AES/GCM/NoPadding");
        v2.put("x-amz-wrap-alg", "AES/GCM");
        v2.put("x-amz-tag-len", "128");
        v2.put("x-amz-matdesc", "{}");
        expectRefusedOnOpen(v2, S3ecKeyUnwrapper.aes(aesKey), S3ecException.Reason.KEY_UNWRAP_FAILED);
    }

    private record Written(Map<String, String> metadata, byte[] body) {}

    private Written writeWithAwsClient(S3EncryptionClient aws, int size) {
        return writeWithAwsClient(aws, size, Map.of());
    }

    private Written writeWithAwsClient(S3EncryptionClient aws, int size, Map<String, String> context) {
        String key = "tamper/" + UUID.randomUUID();
        aws.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(context)),
                RequestBody.fromBytes(S3ecOperatorsTest.random(size)));
        ResponseBytes<GetObjectResponse> raw =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        return new Written(raw.response().metadata(), raw.asByteArray());
    }

    private void expectAuthenticationFailure(
            Map<String, String> userMetadata, byte[] body, S3ecKeyUnwrapper unwrapper) {
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(userMetadata);
        byte[] dataKey = unwrapper.unwrap(md).block(WAIT);
        try (S3ecContentKey contentKey = S3ecContentKey.forDecryption(md, dataKey)) {
            StepVerifier.create(buffers.chunked(body, 4096).transform(new S3ecDecryptOperator(contentKey, buffers)))
                    .thenConsumeWhile(b -> {
                        DataBufferUtils.release(b);
                        return true;
                    })
                    .expectErrorSatisfies(e -> assertThat(((S3ecException) e).reason())
                            .isEqualTo(S3ecException.Reason.AUTHENTICATION_FAILED))
                    .verify(WAIT);
            StepVerifier.create(buffers.chunked(body, 4096)
                            .transform(new S3ecTwoPassDecryptOperator(
                                    contentKey, buffers, () -> buffers.chunked(body, 4096))))
                    .expectError(S3ecException.class)
                    .verify(WAIT);
        }
    }

    private void expectRefusedOnOpen(
            Map<String, String> userMetadata, S3ecKeyUnwrapper unwrapper, S3ecException.Reason reason) {
        S3ecMetadata md = S3ecMetadata.fromUserMetadata(userMetadata);
        assertThatThrownBy(() -> {
                    byte[] dataKey = unwrapper.unwrap(md).block(WAIT);
                    S3ecContentKey.forDecryption(md, dataKey).close();
                })
                .isInstanceOf(S3ecException.class)
                .extracting(e -> ((S3ecException) e).reason())
                .isEqualTo(reason);
    }

    private S3ecKeyUnwrapper kmsUnwrapper() {
        return S3ecKeyUnwrapper.kms(kmsAsync, null, Duration.ofSeconds(10));
    }

    private Flux<DataBuffer> streamingGet(String key, int[] gets) {
        return DataBufferUtils.readInputStream(
                () -> {
                    gets[0]++;
                    return s3.getObject(b -> b.bucket(bucket).key(key));
                },
                buffers,
                8192);
    }

    private static Map<String, String> headers(GetObjectResponse response) {
        Map<String, String> out = new HashMap<>();
        response.sdkHttpResponse().headers().forEach((k, v) -> out.put(k, v.get(0)));
        return out;
    }

    private static byte[] collect(Flux<DataBuffer> flux) {
        List<DataBuffer> out = new ArrayList<>(flux.collectList().block(WAIT));
        return TrackingBuffers.drain(out);
    }
}
