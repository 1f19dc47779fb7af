package dev.s3seal.bench;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.FormatHeader;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.SegmentDecryptor;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.CachingKeyProvider;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.KeyWrap;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.local.LocalKeyProvider;
import dev.s3seal.keys.local.LocalKeyRing;
import dev.s3seal.keys.local.LocalMasterKey;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a small {@code cse-local} object costs s3seal per request beyond passthrough, without the
 * network: {@code seal} is the crypto and envelope work of a held-body PutObject (fresh data key
 * wrapped under the cached KEK, plaintext MD5, stream keys, one segment, sealed MD5, envelope headers;
 * the steps of {@code web.object.EncryptingUpload#store}), {@code open} that of a whole GetObject
 * (envelope parsed from the headers, data key unwrapped through the cache, sealed MD5 opened for the
 * ETag, stream keys, one segment). The other rows take those apart. Run with the command in
 * docs/benchmarks.md ("Small cse-* requests"), with {@code -prof gc} for bytes per operation; never
 * part of the test suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SmallObjectBenchmark {

    private static final int SEGMENT_SIZE = ObjectFormat.DEFAULT_SEGMENT_SIZE;

    @Param({"4096"})
    int size;

    private final KeyContext context = KeyContext.of("bench-bucket", "objects/small-4k.bin");
    private CachingKeyProvider keys;
    private byte[] plaintext;
    private byte[] sealed;
    private byte[] decrypted;
    private Map<String, String> storedHeaders;
    private byte[] dataKey;
    private EnvelopeMetadata envelope;

    @Setup(Level.Trial)
    public void setUp() {
        LocalKeyRing ring = LocalKeyRing.builder()
                .addActive(LocalMasterKey.of("master", "1", KeyWrap.randomKey()))
                .build();
        keys = new CachingKeyProvider(new LocalKeyProvider(ring, "master"), KeyCacheSettings.defaults());
        plaintext = KeyWrap.randomBytes(size);
        sealed = new byte[ObjectFormat.HEADER_LENGTH + size + ObjectFormat.TAG_LENGTH];
        decrypted = new byte[size + ObjectFormat.TAG_LENGTH];
        storedHeaders = seal();
        envelope = EnvelopeMetadata.fromHeaders(storedHeaders);
        dataKey = unwrapKey(envelope);
    }

    /** PutObject of a held body: everything but the network. */
    @Benchmark
    public Map<String, String> seal() {
        try (DataKey key = keys.generateDataKey(context).block()) {
            byte[] md5 = md5(plaintext);
            SegmentEncryptor encryptor = SegmentEncryptor.forObject(key.plaintext(), SEGMENT_SIZE, size);
            byte[] header = encryptor.header();
            Map<String, String> headers = envelope(key, md5, header).toHeaders();
            System.arraycopy(header, 0, sealed, 0, header.length);
            encryptor.encryptSegment(plaintext, 0, size, sealed, header.length);
            return headers;
        }
    }

    /** GetObject of a whole object: everything but the network. */
    @Benchmark
    public int open() {
        EnvelopeMetadata stored = EnvelopeMetadata.fromHeaders(storedHeaders);
        byte[] key = unwrapKey(stored);
        try {
            byte[] md5 = EnvelopeMetadata.openMd5(key, stored.sealedMd5(), stored.plaintextLength());
            try (SegmentDecryptor decryptor = SegmentDecryptor.open(key, FormatHeader.parse(sealed, 0))) {
                return decryptor.decryptSegment(
                                0, sealed, ObjectFormat.HEADER_LENGTH, size + ObjectFormat.TAG_LENGTH, decrypted, 0)
                        + md5.length;
            }
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Benchmark
    public DataKey generateDataKey() {
        DataKey key = keys.generateDataKey(context).block();
        key.close();
        return key;
    }

    @Benchmark
    public byte[] unwrapDataKey() {
        byte[] key = unwrapKey(envelope);
        Arrays.fill(key, (byte) 0);
        return key;
    }

    @Benchmark
    public SegmentEncryptor streamKeysForWrite() {
        SegmentEncryptor encryptor = SegmentEncryptor.forObject(dataKey, SEGMENT_SIZE, size);
        encryptor.close();
        return encryptor;
    }

    @Benchmark
    public SegmentDecryptor streamKeysForRead() {
        SegmentDecryptor decryptor = SegmentDecryptor.open(dataKey, FormatHeader.parse(sealed, 0));
        decryptor.close();
        return decryptor;
    }

    @Benchmark
    public byte[] sealMd5() {
        return EnvelopeMetadata.sealMd5(dataKey, new byte[16], size);
    }

    @Benchmark
    public Map<String, String> encodeEnvelope() {
        return new EnvelopeMetadata(
                        ObjectFormat.VERSION_1,
                        envelope.providerKind(),
                        envelope.keyId(),
                        envelope.keyVersion(),
                        envelope.wrappedKey(),
                        size,
                        SEGMENT_SIZE,
                        envelope.sealedMd5(),
                        null,
                        null,
                        null,
                        null,
                        envelope.streamHeader())
                .toHeaders();
    }

    @Benchmark
    public EnvelopeMetadata decodeEnvelope() {
        return EnvelopeMetadata.fromHeaders(storedHeaders);
    }

    /** The envelope as EncryptingUpload builds it for a held body (sealed MD5 and stream header in the PUT). */
    private EnvelopeMetadata envelope(DataKey key, byte[] md5, byte[] header) {
        WrappedKey wrapped = key.wrapped();
        return new EnvelopeMetadata(
                ObjectFormat.VERSION_1,
                wrapped.provider(),
                wrapped.keyId(),
                wrapped.keyVersion(),
                wrapped.ciphertext(),
                size,
                SEGMENT_SIZE,
                EnvelopeMetadata.sealMd5(key.plaintext(), md5, size),
                null,
                null,
                context.recordedWith(wrapped),
                null,
                header);
    }

    private byte[] unwrapKey(EnvelopeMetadata stored) {
        WrappedKey wrapped =
                new WrappedKey(stored.providerKind(), stored.keyId(), stored.keyVersion(), stored.wrappedKey());
        return keys.unwrap(wrapped, context).block();
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
