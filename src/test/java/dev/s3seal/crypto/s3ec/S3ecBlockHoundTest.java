package dev.s3seal.crypto.s3ec;

import dev.s3seal.keys.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.keys.s3ec.S3ecKeyUnwrapper;
import dev.s3seal.stream.s3ec.S3ecDecryptOperator;
import dev.s3seal.stream.s3ec.S3ecOperatorsTest;
import dev.s3seal.testsupport.MotoServer;
import dev.s3seal.testsupport.TrackingBuffers;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

/** KMS materials, unwrap and the operators, driven from non-blocking threads, never block. */
class S3ecBlockHoundTest {

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @Test
    void shouldNotBlockWhenWritingAndReadingWithKmsFromParallelThreads() {
        MotoServer moto = MotoServer.get();
        String keyId = moto.createKey("s3ec-bh-" + UUID.randomUUID());
        TrackingBuffers buffers = new TrackingBuffers();
        SecureRandom random = new SecureRandom();
        byte[] plaintext = S3ecOperatorsTest.random(100_000);
        try (KmsAsyncClient kms = KmsAsyncClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.of(MotoServer.REGION))
                .credentialsProvider(MotoServer.CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build()) {
            // warm up class loading and the SecureRandom off the parallel threads
            S3ecEncryptionMaterials.kms(kms, keyId, Map.of(), random, Duration.ofSeconds(10))
                    .block(Duration.ofSeconds(30))
                    .close();
            S3ecKeyUnwrapper unwrapper = S3ecKeyUnwrapper.kms(kms, keyId, Duration.ofSeconds(10));
            Mono<Boolean> roundTrip = S3ecEncryptionMaterials.kms(
                            kms, keyId, Map.of("t", "1"), random, Duration.ofSeconds(10))
                    .flatMap(materials -> buffers.chunked(plaintext, 8192)
                            .transform(materials.encryptOperator(buffers))
                            .collectList()
                            .doFinally(s -> materials.close())
                            .flatMap(list -> {
                                byte[] ciphertext = TrackingBuffers.drain(list);
                                return unwrapper
                                        .unwrap(materials.metadata(), Map.of("t", "1"))
                                        .flatMapMany(dataKey -> {
                                            S3ecContentKey key =
                                                    S3ecContentKey.forDecryption(materials.metadata(), dataKey);
                                            return buffers.chunked(ciphertext, 8192)
                                                    .transform(new S3ecDecryptOperator(key, buffers))
                                                    .doFinally(s -> key.close());
                                        })
                                        .reduce(0L, (n, b) -> {
                                            long r = n + b.readableByteCount();
                                            DataBufferUtils.release(b);
                                            return r;
                                        })
                                        .map(n -> n == plaintext.length);
                            }))
                    .subscribeOn(Schedulers.parallel());
            StepVerifier.create(roundTrip).expectNext(true).expectComplete().verify(Duration.ofSeconds(30));
        }
        buffers.assertAllReleased();
    }
}
