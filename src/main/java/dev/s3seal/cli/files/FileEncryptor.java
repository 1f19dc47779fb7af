package dev.s3seal.cli.files;

import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.crypto.SegmentEncryptor;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.s3ec.S3ecEncryptionMaterials;
import dev.s3seal.stream.EncryptOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Encrypts a plaintext file into a body and user metadata that, uploaded together as {@code bucket}/{@code key},
 * the proxy reads like an object it wrote: s3seal's format with {@link EncryptOperator} (single-part; the sealed
 * plaintext MD5 included, so the proxy reports the plaintext's ETag) or the AWS S3 Encryption Client's V3 format.
 * The data key is wrapped for that bucket and key, so the pair only opens there.
 */
public final class FileEncryptor {

    /** What was written: the user metadata to store with the body (names without {@code x-amz-meta-}). */
    public record Result(Map<String, String> userMetadata, long plaintextLength, long ciphertextLength) {}

    private final OfflineKeys keys;

    public FileEncryptor(OfflineKeys keys) {
        this.keys = keys;
    }

    /** s3seal's format under the local key {@code keyName}/{@code keyVersion} or, when given, the KMS key. */
    public Result s3seal(
            Path plaintext, KeyContext context, String keyName, String keyVersion, int segmentSize, Path bodyFile) {
        long length = size(plaintext);
        long ciphertextLength;
        try {
            ciphertextLength = CiphertextSizes.ciphertextLength(length, segmentSize); // checks both
        } catch (IllegalArgumentException invalid) {
            throw CommandFailure.configuration(invalid.getMessage());
        }
        DataKey dataKey =
                keys.generate(keyName, keyVersion, keys.kmsKeyId(), context).block();
        try (dataKey) {
            MessageDigest md5 = md5();
            SegmentEncryptor encryptor = SegmentEncryptor.forObject(dataKey.plaintext(), segmentSize, length);
            byte[] streamHeader = encryptor.header();
            EncryptOperator encrypt = new EncryptOperator(encryptor, DefaultDataBufferFactory.sharedInstance);
            FileStreams.write(digesting(FileStreams.read(plaintext), md5).transform(encrypt), bodyFile);
            WrappedKey wrapped = dataKey.wrapped();
            EnvelopeMetadata envelope = new EnvelopeMetadata(
                    ObjectFormat.VERSION_1,
                    wrapped.provider(),
                    wrapped.keyId(),
                    wrapped.keyVersion(),
                    wrapped.ciphertext(),
                    length,
                    segmentSize,
                    EnvelopeMetadata.sealMd5(dataKey.plaintext(), md5.digest(), length),
                    null,
                    null,
                    context.recordedWith(wrapped),
                    null,
                    streamHeader);
            return new Result(userMetadata(envelope.toHeaders()), length, ciphertextLength);
        }
    }

    /** The AWS S3 Encryption Client's V3 format, under the local key file (raw AES keyring) or the KMS key. */
    public Result s3ecV3(Path plaintext, Path bodyFile) {
        long length = size(plaintext);
        try (S3ecEncryptionMaterials materials =
                keys.s3ecMaterials(keys.kmsKeyId()).block()) {
            FileStreams.write(
                    FileStreams.read(plaintext)
                            .transform(materials.encryptOperator(DefaultDataBufferFactory.sharedInstance)),
                    bodyFile);
            return new Result(
                    new LinkedHashMap<>(materials.userMetadata()),
                    length,
                    S3ecEncryptionMaterials.ciphertextLength(length));
        }
    }

    private static Map<String, String> userMetadata(Map<String, String> headers) {
        Map<String, String> user = new LinkedHashMap<>();
        headers.forEach((name, value) -> user.put(name.substring("x-amz-meta-".length()), value));
        return user;
    }

    private static Flux<DataBuffer> digesting(Flux<DataBuffer> plaintext, MessageDigest md5) {
        return plaintext.doOnNext(buffer -> {
            try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
                it.forEachRemaining(md5::update);
            }
        });
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JDK", e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw CommandFailure.configuration(
                    "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
