package dev.s3seal.stream.s3ec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.s3ec.AesGcmKeyWrap;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.crypto.s3ec.S3ecReadOptions;
import dev.s3seal.crypto.s3ec.S3ecVersion;
import dev.s3seal.crypto.s3ec.UnauthenticatedRange;
import dev.s3seal.keys.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.keys.s3ec.S3ecKeyUnwrapper;
import dev.s3seal.testsupport.TrackingBuffers;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The reactive shells and the pure core, s3seal against itself (interop with the AWS client is elsewhere). */
public class S3ecOperatorsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TrackingBuffers buffers = new TrackingBuffers();
    private final SecretKey kek = new SecretKeySpec(random(32), "AES");

    @AfterEach
    void noLeaks() {
        buffers.assertAllReleased();
    }

    @Test
    void shouldRoundTripWhenInputIsRechunked() {
        for (int length : new int[] {0, 1, 15, 16, 17, 4096, 65_539}) {
            byte[] plaintext = random(length);
            try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM)) {
                byte[] ciphertext = encrypt(materials, plaintext, 7);
                assertThat(ciphertext).hasSize(length + 16);
                S3ecMetadata read = S3ecMetadata.fromUserMetadata(materials.userMetadata());
                for (int chunk : new int[] {1, 13, 16, 8191}) {
                    if (length > 5000 && chunk == 1) {
                        continue;
                    }
                    try (S3ecContentKey key = openAes(read)) {
                        assertThat(decryptSinglePass(key, ciphertext, chunk))
                                .as("len %d chunk %d", length, chunk)
                                .isEqualTo(plaintext);
                    }
                }
            }
        }
    }

    @Test
    void shouldNeverCompleteCleanlyWhenAnyBitOfASmallObjectIsFlipped() {
        byte[] plaintext = random(40);
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            byte[] ciphertext = encrypt(materials, plaintext, 64);
            for (int bit = 0; bit < ciphertext.length * 8; bit++) {
                byte[] tampered = ciphertext.clone();
                tampered[bit / 8] ^= (byte) (1 << (bit % 8));
                StepVerifier.create(buffers.chunked(tampered, 9).transform(new S3ecDecryptOperator(key, buffers)))
                        .thenConsumeWhile(b -> release(b))
                        .expectErrorSatisfies(e -> assertThat(e)
                                .isInstanceOf(S3ecException.class)
                                .extracting(x -> ((S3ecException) x).reason())
                                .isEqualTo(S3ecException.Reason.AUTHENTICATION_FAILED))
                        .verify(WAIT);
                StepVerifier.create(new S3ecVerifyOperator(key).apply(buffers.chunked(tampered, 9)))
                        .expectError(S3ecException.class)
                        .verify(WAIT);
            }
        }
    }

    @Test
    void shouldFailWhenTruncatedAnywhere() {
        byte[] plaintext = random(100);
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            byte[] ciphertext = encrypt(materials, plaintext, 64);
            for (int cut = 0; cut < ciphertext.length; cut++) {
                byte[] truncated = Arrays.copyOf(ciphertext, cut);
                StepVerifier.create(buffers.chunked(truncated, 10).transform(new S3ecDecryptOperator(key, buffers)))
                        .thenConsumeWhile(b -> release(b))
                        .expectError(S3ecException.class)
                        .verify(WAIT);
            }
        }
    }

    @Test
    void shouldEmitNothingWhenTwoPassFindsTampering() {
        byte[] plaintext = random(10_000);
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            byte[] ciphertext = encrypt(materials, plaintext, 1000);
            byte[] tampered = ciphertext.clone();
            tampered[5000] ^= 1;
            AtomicInteger secondFetches = new AtomicInteger();
            StepVerifier.create(buffers.chunked(tampered, 777)
                            .transform(new S3ecTwoPassDecryptOperator(key, buffers, () -> {
                                secondFetches.incrementAndGet();
                                return buffers.chunked(tampered, 777);
                            })))
                    .expectError(S3ecException.class)
                    .verify(WAIT);
            assertThat(secondFetches).hasValue(0);

            List<DataBuffer> out = new ArrayList<>();
            StepVerifier.create(buffers.chunked(ciphertext, 777)
                            .transform(new S3ecTwoPassDecryptOperator(
                                    key, buffers, () -> buffers.chunked(ciphertext, 500))))
                    .recordWith(() -> out)
                    .thenConsumeWhile(b -> true)
                    .expectComplete()
                    .verify(WAIT);
            assertThat(TrackingBuffers.drain(out)).isEqualTo(plaintext);
        }
    }

    /**
     * Reactor Netty releases a body buffer after handing it on, so the proxy's upstream bodies are retained once:
     * an operator must release each buffer exactly once (a second release throws in the event loop and fails the
     * exchange). Here every input is retained once more, so one release leaves it at 1.
     */
    @Test
    void shouldReleaseEachInputBufferExactlyOnceWhenVerifying() {
        byte[] plaintext = random(10_000);
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            byte[] ciphertext = encrypt(materials, plaintext, 1000);
            byte[] tampered = ciphertext.clone();
            tampered[ciphertext.length - 1] ^= 1;
            for (byte[] body : List.of(ciphertext, tampered)) {
                List<DataBuffer> seen = new ArrayList<>();
                Flux<DataBuffer> input = buffers.chunked(body, 777).doOnNext(b -> seen.add(DataBufferUtils.retain(b)));
                StepVerifier.FirstStep<Void> verify = StepVerifier.create(new S3ecVerifyOperator(key).apply(input));
                if (body == tampered) {
                    verify.expectError(S3ecException.class).verify(WAIT);
                } else {
                    verify.expectComplete().verify(WAIT);
                }
                assertThat(seen)
                        .hasSize((body.length + 776) / 777)
                        .allSatisfy(b -> assertThat(
                                        ((NettyDataBuffer) b).getNativeBuffer().refCnt())
                                .as("released once by the operator")
                                .isEqualTo(1));
                seen.forEach(DataBufferUtils::release);
            }
        }
    }

    @Test
    void shouldReleaseEveryBufferWhenCancelledMidStream() {
        byte[] plaintext = random(50_000);
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            byte[] ciphertext = encrypt(materials, plaintext, 4096);
            StepVerifier.create(buffers.chunked(ciphertext, 1000).transform(new S3ecDecryptOperator(key, buffers)), 3)
                    .consumeNextWith(S3ecOperatorsTest::release)
                    .consumeNextWith(S3ecOperatorsTest::release)
                    .consumeNextWith(S3ecOperatorsTest::release)
                    .thenCancel()
                    .verify(WAIT);
        }
        // the three received buffers were ours to release; @AfterEach proves nothing else is held
        assertThat(buffers.allocatedCount()).isGreaterThan(6);
    }

    @Test
    void shouldRefuseUnauthenticatedRangeWhenNotEnabled() {
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            UnauthenticatedRange range = UnauthenticatedRange.of(0, 10, 100);
            assertThatThrownBy(() -> new UnauthenticatedRangeOperator(key, range, S3ecReadOptions.DEFAULTS, buffers))
                    .isInstanceOf(S3ecException.class)
                    .extracting(e -> ((S3ecException) e).reason())
                    .isEqualTo(S3ecException.Reason.UNAUTHENTICATED_NOT_ALLOWED);
        }
    }

    @Test
    void shouldDecryptEveryRangeWhenUnauthenticatedRangesEnabled() {
        byte[] plaintext = random(70);
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM);
                S3ecContentKey key = openAes(S3ecMetadata.fromUserMetadata(materials.userMetadata()))) {
            byte[] ciphertext = encrypt(materials, plaintext, 64);
            S3ecReadOptions on = new S3ecReadOptions(true);
            for (int first = 0; first < plaintext.length; first++) {
                for (int last = first; last < plaintext.length + 3; last++) {
                    UnauthenticatedRange r = UnauthenticatedRange.of(first, last, ciphertext.length);
                    byte[] fetched = Arrays.copyOfRange(ciphertext, (int) r.fetchFirst(), (int) r.fetchLast() + 1);
                    byte[] got = collect(buffers.chunked(fetched, 5)
                            .transform(new UnauthenticatedRangeOperator(key, r, on, buffers)));
                    assertThat(got)
                            .as("%d-%d", first, last)
                            .isEqualTo(Arrays.copyOfRange(
                                    plaintext, first, (int) Math.min(last, plaintext.length - 1) + 1));
                }
            }
            UnauthenticatedRange suffix = UnauthenticatedRange.suffix(10, ciphertext.length);
            assertThat(suffix.first()).isEqualTo(60);
            assertThat(suffix.last()).isEqualTo(69);
            assertThatThrownBy(() -> UnauthenticatedRange.of(70, 80, ciphertext.length))
                    .isInstanceOf(S3ecException.class);
        }
    }

    @Test
    void shouldRefuseSecondEncryptionWhenContentKeyAlreadyUsed() {
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM)) {
            S3ecEncryptOperator op = materials.encryptOperator(buffers);
            collect(buffers.chunked(random(10), 4).transform(op));
            StepVerifier.create(buffers.chunked(random(10), 4).transform(op))
                    .expectError(IllegalStateException.class)
                    .verify(WAIT);
            assertThatThrownBy(() -> materials.encryptOperator(buffers)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldRefuseWhenCommitmentDoesNotMatch() {
        try (S3ecEncryptionMaterials materials = S3ecEncryptionMaterials.aes(kek, RANDOM)) {
            S3ecMetadata md = materials.metadata();
            byte[] badCommitment = md.keyCommitment().clone();
            badCommitment[27] ^= 1;
            S3ecMetadata tampered = new S3ecMetadata(
                    md.version(),
                    md.wrap(),
                    md.encryptedDataKey(),
                    null,
                    md.messageId(),
                    badCommitment,
                    md.encryptionContext(),
                    md.materialsDescription(),
                    md.unencryptedLength());
            byte[] dataKey = AesGcmKeyWrap.unwrap(kek, md.encryptedDataKey(), S3ecVersion.V3);
            assertThatThrownBy(() -> S3ecContentKey.forDecryption(tampered, dataKey))
                    .isInstanceOf(S3ecException.class)
                    .extracting(e -> ((S3ecException) e).reason())
                    .isEqualTo(S3ecException.Reason.COMMITMENT_MISMATCH);
        }
    }

    private S3ecContentKey openAes(S3ecMetadata md) {
        byte[] dataKey = S3ecKeyUnwrapper.aes(kek).unwrap(md).block(WAIT);
        try {
            return S3ecContentKey.forDecryption(md, dataKey);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] encrypt(S3ecEncryptionMaterials materials, byte[] plaintext, int chunk) {
        return collect(buffers.chunked(plaintext, chunk).transform(materials.encryptOperator(buffers)));
    }

    private byte[] decryptSinglePass(S3ecContentKey key, byte[] ciphertext, int chunk) {
        return collect(buffers.chunked(ciphertext, chunk).transform(new S3ecDecryptOperator(key, buffers)));
    }

    private static byte[] collect(Flux<DataBuffer> flux) {
        List<DataBuffer> out = flux.collectList().block(WAIT);
        return TrackingBuffers.drain(out);
    }

    private static boolean release(DataBuffer b) {
        org.springframework.core.io.buffer.DataBufferUtils.release(b);
        return true;
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
