package dev.s3seal.bench;

import dev.s3seal.crypto.FormatHeader;
import dev.s3seal.crypto.SegmentDecryptor;
import dev.s3seal.crypto.SegmentEncryptor;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Segment codec cost against raw JCA AES-256-GCM on the same buffers (the floor), and the plaintext
 * MD5 a PutObject computes for its ETag next to it ({@code plaintextMd5}; {@code uploadSegment} is both,
 * what one segment of an upload costs in s3seal's own code). Run with the command in
 * docs/benchmarks.md; never part of the test suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    @Param({"65536", "1048576"})
    int segmentSize;

    private final byte[] dataKey = new byte[32];
    private byte[] plaintext;
    private byte[] ciphertext;
    private byte[] out;
    private SegmentEncryptor encryptor;
    private SegmentDecryptor decryptor;
    private Cipher rawCipher;
    private SecretKeySpec rawKey;
    private byte[] rawNonce;
    private byte[] rawCiphertext;
    private long counter;
    private MessageDigest md5;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        new SecureRandom().nextBytes(dataKey);
        plaintext = new byte[segmentSize];
        new SecureRandom().nextBytes(plaintext);
        out = new byte[segmentSize + 16];
        ciphertext = new byte[segmentSize + 16];
        SegmentEncryptor one = SegmentEncryptor.forObject(dataKey, segmentSize, 2L * segmentSize);
        one.encryptSegment(plaintext, 0, segmentSize, ciphertext, 0);
        decryptor = SegmentDecryptor.open(dataKey, FormatHeader.parse(one.header(), 0));
        rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
        rawKey = new SecretKeySpec(dataKey, "AES");
        rawNonce = new byte[12];
        rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawNonce));
        rawCiphertext = rawCipher.doFinal(plaintext);
        md5 = MessageDigest.getInstance("MD5");
        newEncryptor();
    }

    private void newEncryptor() {
        encryptor = SegmentEncryptor.forObject(dataKey, segmentSize, (long) segmentSize << 20);
    }

    @Benchmark
    public int s3sealEncryptSegment() {
        if (encryptor.nextSegmentIsFinal()) {
            newEncryptor();
        }
        return encryptor.encryptSegment(plaintext, 0, segmentSize, out, 0);
    }

    @Benchmark
    public int s3sealDecryptSegment() {
        return decryptor.decryptSegment(0, ciphertext, 0, ciphertext.length, out, 0);
    }

    @Benchmark
    public int plaintextMd5() {
        md5.update(plaintext, 0, segmentSize);
        return segmentSize;
    }

    @Benchmark
    public int uploadSegment() {
        md5.update(plaintext, 0, segmentSize);
        return s3sealEncryptSegment();
    }

    @Benchmark
    public int rawJcaEncrypt() throws Exception {
        ByteBuffer.wrap(rawNonce).putLong(4, ++counter);
        rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawNonce));
        return rawCipher.doFinal(plaintext, 0, segmentSize, out, 0);
    }

    @Benchmark
    public int rawJcaDecrypt() throws Exception {
        rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, new byte[12]));
        return rawCipher.doFinal(rawCiphertext, 0, rawCiphertext.length, out, 0);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder()
                        .include(CodecBenchmark.class.getSimpleName())
                        .build())
                .run();
    }
}
