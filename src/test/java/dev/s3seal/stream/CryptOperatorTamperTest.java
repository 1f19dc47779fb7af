package dev.s3seal.stream;

import static dev.s3seal.stream.StreamTestSupport.TIMEOUT;
import static dev.s3seal.stream.StreamTestSupport.collect;
import static dev.s3seal.stream.StreamTestSupport.concat;
import static dev.s3seal.stream.StreamTestSupport.pattern;
import static dev.s3seal.stream.StreamTestSupport.split;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.AuthenticationFailedException.Reason;
import dev.s3seal.crypto.MultipartLayout;
import dev.s3seal.crypto.MultipartManifest;
import dev.s3seal.crypto.RangeMapping;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.testsupport.TrackingBuffers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Attacks on stored ciphertext, run through the reactive decryptor. Every case must end in an
 * {@link AuthenticationFailedException}, never a clean completion, and release every buffer.
 */
class CryptOperatorTamperTest {

    private static final int S = 64;
    private static final byte[] KEY = pattern(32, 11);
    private static final byte[] OTHER_KEY = pattern(32, 12);
    private final TrackingBuffers factory = new TrackingBuffers();

    @AfterEach
    void everyBufferReleased() {
        factory.assertAllReleased();
    }

    private byte[] encrypt(byte[] key, byte[] plaintext) {
        return collect(factory.chunked(plaintext, 13)
                        .transform(new EncryptOperator(SegmentEncryptor.forObject(key, S, plaintext.length), factory)))
                .block(TIMEOUT);
    }

    private byte[] encryptPart(byte[] key, int partNumber, byte[] plaintext) {
        return collect(factory.chunked(plaintext, 13)
                        .transform(new EncryptOperator(
                                SegmentEncryptor.forPart(key, S, partNumber, plaintext.length), factory)))
                .block(TIMEOUT);
    }

    private Reason expectFailure(byte[] ciphertext, Function<Flux<DataBuffer>, Flux<DataBuffer>> op, int... chunks) {
        Reason[] reason = new Reason[1];
        StepVerifier.create(collect(factory.chunked(ciphertext, chunks).transform(op)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(AuthenticationFailedException.class);
                    reason[0] = ((AuthenticationFailedException) e).reason();
                })
                .verify(TIMEOUT);
        return reason[0];
    }

    private Reason expectObjectFailure(byte[] ciphertext) {
        return expectFailure(ciphertext, DecryptOperator.object(KEY, factory), 17);
    }

    @Test
    void shouldFailWhenTruncatedAtAnyByte() {
        for (int length : new int[] {0, 1, S, 3 * S + 5}) {
            byte[] ct = encrypt(KEY, pattern(length, length));
            for (int cut = 0; cut < ct.length; cut++) {
                Reason r = expectObjectFailure(Arrays.copyOf(ct, cut));
                assertThat(r).as("cut at %d of %d", cut, ct.length).isIn(Reason.TRUNCATED, Reason.TAG_MISMATCH);
            }
            factory.assertAllReleased();
        }
    }

    @Test
    void shouldFailWhenAnyBitIsFlipped() {
        byte[] ct = encrypt(KEY, pattern(2 * S + 10, 5));
        for (int bit = 0; bit < ct.length * 8; bit++) {
            byte[] bad = ct.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            expectObjectFailure(bad);
            if (bit % 64 == 0) {
                factory.assertAllReleased();
            }
        }
    }

    @Test
    void shouldFailWhenSegmentsAreDroppedDuplicatedOrReordered() {
        byte[] ct = encrypt(KEY, pattern(4 * S, 6));
        List<byte[]> pieces = split(ct, S); // header + 4 segments
        for (int i = 1; i < pieces.size(); i++) {
            List<byte[]> dropped = new ArrayList<>(pieces);
            dropped.remove(i);
            expectObjectFailure(concat(dropped.toArray(byte[][]::new)));
            List<byte[]> duplicated = new ArrayList<>(pieces);
            duplicated.add(i, pieces.get(i));
            expectObjectFailure(concat(duplicated.toArray(byte[][]::new)));
            for (int j = i + 1; j < pieces.size(); j++) {
                List<byte[]> swapped = new ArrayList<>(pieces);
                Collections.swap(swapped, i, j);
                expectObjectFailure(concat(swapped.toArray(byte[][]::new)));
            }
        }
    }

    @Test
    void shouldFailWhenTrailingDataFollowsTheFinalSegment() {
        byte[] ct = encrypt(KEY, pattern(S + 3, 6));
        assertThat(expectObjectFailure(concat(ct, new byte[1]))).isEqualTo(Reason.TRAILING_DATA);
        assertThat(expectObjectFailure(concat(ct, ct))).isEqualTo(Reason.TRAILING_DATA);
    }

    @Test
    void shouldFailWhenHeadersAreSwappedBetweenObjects() {
        byte[] a = encrypt(KEY, pattern(2 * S, 1));
        byte[] b = encrypt(KEY, pattern(2 * S, 2));
        byte[] spliced = concat(Arrays.copyOf(b, 91), Arrays.copyOfRange(a, 91, a.length));
        assertThat(expectObjectFailure(spliced)).isEqualTo(Reason.TAG_MISMATCH);
        byte[] c = encrypt(OTHER_KEY, pattern(2 * S, 1));
        byte[] foreign = concat(Arrays.copyOf(c, 91), Arrays.copyOfRange(a, 91, a.length));
        assertThat(expectObjectFailure(foreign)).isEqualTo(Reason.KEY_COMMITMENT_MISMATCH);
    }

    @Test
    void shouldFailWhenSegmentsAreSplicedBetweenObjectsOfTheSameKey() {
        List<byte[]> a = split(encrypt(KEY, pattern(3 * S, 1)), S);
        List<byte[]> b = split(encrypt(KEY, pattern(3 * S, 2)), S);
        a.set(2, b.get(2));
        assertThat(expectObjectFailure(concat(a.toArray(byte[][]::new)))).isEqualTo(Reason.TAG_MISMATCH);
    }

    @Test
    void shouldFailBeforeDecryptingWhenTheKeyIsWrong() {
        byte[] ct = encrypt(KEY, pattern(100, 1));
        assertThat(expectFailure(ct, DecryptOperator.object(OTHER_KEY, factory), 1000))
                .isEqualTo(Reason.KEY_COMMITMENT_MISMATCH);
    }

    @Test
    void shouldFailWhenTheVersionByteIsUnknown() {
        byte[] ct = encrypt(KEY, pattern(100, 1));
        for (int v = 0; v < 256; v++) {
            if (v == 1) {
                continue;
            }
            byte[] bad = ct.clone();
            bad[4] = (byte) v;
            assertThat(expectObjectFailure(bad)).isEqualTo(Reason.UNSUPPORTED_VERSION);
        }
    }

    @Test
    void shouldFailWhenAPartIsPresentedAsAWholeObject() {
        byte[] part = encryptPart(KEY, 1, pattern(2 * S, 1));
        assertThat(expectObjectFailure(part)).isEqualTo(Reason.PART_SEQUENCE);
    }

    @Test
    void shouldFailWhenARangeIsTruncatedTamperedOrExtended() {
        byte[] plaintext = pattern(5 * S, 3);
        byte[] ct = encrypt(KEY, plaintext);
        var plan = RangeMapping.plan(new RangeMapping.PlaintextRange(S + 5, 3 * S + 1), S, plaintext.length);
        byte[] header = Arrays.copyOf(ct, 91);
        byte[] fetched = Arrays.copyOfRange(ct, (int) plan.ciphertextStart(), (int) plan.ciphertextEndInclusive() + 1);
        for (int cut = 0; cut < fetched.length; cut++) {
            expectFailure(Arrays.copyOf(fetched, cut), DecryptOperator.range(KEY, plan, header, factory), 7);
        }
        for (int i = 0; i < fetched.length; i += 7) {
            byte[] bad = fetched.clone();
            bad[i] ^= 0x40;
            expectFailure(bad, DecryptOperator.range(KEY, plan, header, factory), 7);
        }
        byte[] badHeader = header.clone();
        badHeader[30] ^= 1;
        expectFailure(fetched, DecryptOperator.range(KEY, plan, badHeader, factory), 7);
        expectFailure(concat(fetched, new byte[] {0}), DecryptOperator.range(KEY, plan, header, factory), 7);
        // segments from the wrong position (shifted by one segment) under the same header
        byte[] shifted = Arrays.copyOfRange(
                ct, (int) plan.ciphertextStart() + S + 16, (int) plan.ciphertextEndInclusive() + 1 + S + 16);
        expectFailure(shifted, DecryptOperator.range(KEY, plan, header, factory), 7);
    }

    // ---- multipart ----

    private final long[] partLengths = {2 * S, 2 * S, S + 7};

    private List<byte[]> parts(byte[] key) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < partLengths.length; i++) {
            parts.add(encryptPart(key, i + 1, pattern((int) partLengths[i], 100 + i)));
        }
        return parts;
    }

    private Function<Flux<DataBuffer>, Flux<DataBuffer>> multipart(long[] lengths) {
        return DecryptOperator.multipart(
                KEY, MultipartManifest.open(MultipartManifest.of(lengths, S).seal(KEY), KEY, S), S, factory);
    }

    @Test
    void shouldRoundTripAMultipartObjectWhosePartsWereEncryptedOutOfOrder() {
        List<byte[]> parts = new ArrayList<>();
        for (int i = partLengths.length - 1; i >= 0; i--) {
            parts.add(0, encryptPart(KEY, i + 1, pattern((int) partLengths[i], 100 + i)));
        }
        byte[] got = collect(factory.chunked(concat(parts.toArray(byte[][]::new)), 1, 50, 200)
                        .transform(multipart(partLengths)))
                .block(TIMEOUT);
        assertThat(got).isEqualTo(concat(pattern(2 * S, 100), pattern(2 * S, 101), pattern(S + 7, 102)));
    }

    @Test
    void shouldFailWhenPartsAreDroppedDuplicatedOrReordered() {
        List<byte[]> parts = parts(KEY);
        // dropped trailing part: the manifest still says three parts
        expectFailure(concat(parts.get(0), parts.get(1)), multipart(partLengths), 33);
        // dropped middle part
        expectFailure(concat(parts.get(0), parts.get(2)), multipart(partLengths), 33);
        // duplicated part
        expectFailure(concat(parts.get(0), parts.get(0), parts.get(1), parts.get(2)), multipart(partLengths), 33);
        expectFailure(concat(parts.get(0), parts.get(1), parts.get(1), parts.get(2)), multipart(partLengths), 33);
        // reordered parts
        expectFailure(concat(parts.get(1), parts.get(0), parts.get(2)), multipart(partLengths), 33);
        // trailing part after the last
        expectFailure(concat(parts.get(0), parts.get(1), parts.get(2), parts.get(2)), multipart(partLengths), 33);
        // part from another upload (other data key) in place of part 2
        List<byte[]> other = parts(OTHER_KEY);
        assertThat(expectFailure(concat(parts.get(0), other.get(1), parts.get(2)), multipart(partLengths), 33))
                .isEqualTo(Reason.KEY_COMMITMENT_MISMATCH);
    }

    @Test
    void shouldDecryptEveryRangeAcrossPartsWhenHeaderFetchedEitherWay() {
        List<byte[]> parts = parts(KEY);
        byte[] object = concat(parts.toArray(byte[][]::new));
        byte[] plaintext = concat(pattern(2 * S, 100), pattern(2 * S, 101), pattern(S + 7, 102));
        MultipartLayout layout = new MultipartLayout(MultipartManifest.of(partLengths, S), S);
        assertThat(layout.ciphertextLength()).isEqualTo(object.length);
        assertThat(layout.plaintextLength()).isEqualTo(plaintext.length);
        for (int a = 0; a < plaintext.length; a += 3) {
            for (int b = a; b < plaintext.length; b += 5) {
                MultipartLayout.Plan plan = layout.plan(new RangeMapping.PlaintextRange(a, b));
                for (boolean separate : new boolean[] {true, false}) {
                    long[] fetch = separate ? plan.segmentRange() : plan.singleRequestRange();
                    byte[] header = separate
                            ? Arrays.copyOfRange(object, (int) plan.headerStart(), (int) plan.headerStart() + 91)
                            : null;
                    byte[] got = collect(factory.chunked(
                                            Arrays.copyOfRange(object, (int) fetch[0], (int) fetch[1] + 1), 29)
                                    .transform(DecryptOperator.multipartRange(KEY, layout, plan, header, factory)))
                            .block(TIMEOUT);
                    assertThat(got).as("range %d-%d", a, b).isEqualTo(Arrays.copyOfRange(plaintext, a, b + 1));
                }
            }
            factory.assertAllReleased();
        }
    }

    @Test
    void shouldFailWhenAMultipartRangeIsTruncatedOrTakenFromTheWrongPart() {
        List<byte[]> parts = parts(KEY);
        byte[] object = concat(parts.toArray(byte[][]::new));
        MultipartLayout layout = new MultipartLayout(MultipartManifest.of(partLengths, S), S);
        MultipartLayout.Plan plan = layout.plan(new RangeMapping.PlaintextRange(S + 1, 4 * S + 2));
        long[] fetch = plan.singleRequestRange();
        byte[] fetched = Arrays.copyOfRange(object, (int) fetch[0], (int) fetch[1] + 1);
        for (int cut = 0; cut < fetched.length; cut += 3) {
            expectFailure(
                    Arrays.copyOf(fetched, cut), DecryptOperator.multipartRange(KEY, layout, plan, null, factory), 7);
        }
        // part 2's bytes where part 1 is expected (same offsets, swapped parts)
        byte[] swapped = concat(parts.get(1), parts.get(0), parts.get(2));
        expectFailure(
                Arrays.copyOfRange(swapped, (int) fetch[0], (int) fetch[1] + 1),
                DecryptOperator.multipartRange(KEY, layout, plan, null, factory),
                7);
    }

    @Test
    void shouldFailWhenTrailingPartsAreDroppedAndTheManifestIsForged() {
        List<byte[]> parts = parts(KEY);
        byte[] forged = MultipartManifest.of(new long[] {2 * S, 2 * S}, S).seal(OTHER_KEY);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MultipartManifest.open(forged, KEY, S))
                .isInstanceOf(AuthenticationFailedException.class);
        // a genuine manifest whose lengths do not match the parts read is refused too
        expectFailure(concat(parts.get(0), parts.get(1)), multipart(new long[] {2 * S, S + 7}), 33);
    }
}
