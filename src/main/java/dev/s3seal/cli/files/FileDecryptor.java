package dev.s3seal.cli.files;

import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.MultipartEnvelope;
import dev.s3seal.crypto.s3ec.S3ecContentKey;
import dev.s3seal.crypto.s3ec.S3ecMetadata;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.stream.DecryptOperator;
import dev.s3seal.stream.s3ec.S3ecDecryptOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Decrypts one stored object from files: its body as downloaded from the bucket and its metadata, with the
 * proxy's own decryptors ({@link DecryptOperator} for s3seal's format, single-part and multipart;
 * {@link S3ecDecryptOperator} for the AWS S3 Encryption Client's). The body streams from disk to disk
 * ({@link FileStreams}), so memory does not grow with the object.
 *
 * <p>The plaintext is only trustworthy once the whole stream verified (the S3 Encryption Client's format has
 * one tag at the end), so it is written to a file the caller commits only when {@link #decrypt} returns.
 */
public final class FileDecryptor {

    /** What was decrypted, for the command's summary line. */
    public record Result(String format, long plaintextLength) {}

    private final OfflineKeys keys;

    public FileDecryptor(OfflineKeys keys) {
        this.keys = keys;
    }

    /**
     * Decrypts {@code body} (the object {@code bucket}/{@code key}, described by {@code metadata}) into
     * {@code plaintextFile}; blocks until done.
     *
     * @throws CommandFailure with a one-line reason: exit 1 when the object does not decrypt, 2 when the
     *         command cannot run as given
     */
    public Result decrypt(Path body, ObjectMetadataFile metadata, String bucket, String key, Path plaintextFile) {
        checkBodyLength(body, metadata);
        try {
            if (metadata.isS3seal()) {
                return s3seal(body, metadata, KeyContext.of(bucket, key, keys.context()), plaintextFile);
            }
            if (metadata.isS3ec()) {
                return s3ec(body, metadata, plaintextFile);
            }
        } catch (RuntimeException failure) {
            throw CommandFailure.of(failure);
        }
        throw CommandFailure.objectFailed(
                "the metadata has neither s3seal's entries (s3seal-*) nor the AWS S3"
                        + " Encryption Client's (x-amz-key-v2, x-amz-c, ...): the object is not encrypted, or this is not its metadata");
    }

    private Result s3seal(Path body, ObjectMetadataFile metadata, KeyContext context, Path plaintextFile) {
        EnvelopeMetadata envelope;
        try {
            envelope = metadata.envelope();
        } catch (IllegalArgumentException corrupt) {
            throw CommandFailure.objectFailed("the object's s3seal metadata is not valid: " + corrupt.getMessage());
        }
        if (envelope.isPending()) {
            throw CommandFailure.objectFailed(
                    "the object's multipart upload was completed but never sealed by s3seal;" + " it cannot be read");
        }
        // the context the object records is the one it was wrapped under; --context is for objects without one
        KeyContext unwrapContext = envelope.context() == null
                ? context
                : KeyContext.of(context.bucket(), context.key(), envelope.context());
        byte[] dataKey = keys.unwrap(envelope, unwrapContext).block();
        DecryptOperator decrypt;
        try {
            decrypt = envelope.manifest() == null
                    ? DecryptOperator.object(dataKey, DefaultDataBufferFactory.sharedInstance)
                    : DecryptOperator.multipart(
                            dataKey,
                            MultipartEnvelope.openManifest(envelope, dataKey, metadata.etag()),
                            envelope.segmentSize(),
                            DefaultDataBufferFactory.sharedInstance);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
        long written = write(FileStreams.read(body).transform(decrypt), envelope.plaintextLength(), plaintextFile);
        return new Result(
                envelope.manifest() == null ? "s3seal" : "s3seal multipart (" + envelope.partCount() + " parts)",
                written);
    }

    private Result s3ec(Path body, ObjectMetadataFile metadata, Path plaintextFile) {
        S3ecMetadata s3ec = metadata.s3ec();
        byte[] dataKey = keys.unwrap(s3ec, keys.kmsKeyId()).block();
        try (S3ecContentKey contentKey = S3ecContentKey.forDecryption(s3ec, dataKey)) {
            Arrays.fill(dataKey, (byte) 0);
            long expected = S3ecContentKey.plaintextLength(size(body));
            if (s3ec.unencryptedLength().isPresent() && s3ec.unencryptedLength().getAsLong() != expected) {
                throw CommandFailure.objectFailed("the body has " + expected + " plaintext bytes but the metadata's"
                        + " x-amz-unencrypted-content-length says "
                        + s3ec.unencryptedLength().getAsLong());
            }
            long written = write(
                    FileStreams.read(body)
                            .transform(new S3ecDecryptOperator(contentKey, DefaultDataBufferFactory.sharedInstance)),
                    expected,
                    plaintextFile);
            return new Result("s3ec " + s3ec.version().name().toLowerCase(java.util.Locale.ROOT), written);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Writes {@code plaintext} to {@code file}; the stream fails (and the caller discards the file) unless it
     * ends cleanly with exactly {@code expectedLength} bytes.
     */
    private static long write(Flux<DataBuffer> plaintext, long expectedLength, Path file) {
        AtomicLong written = new AtomicLong();
        Flux<DataBuffer> counted = Flux.concat(
                plaintext.doOnNext(buffer -> written.addAndGet(buffer.readableByteCount())),
                Mono.defer(() -> written.get() == expectedLength
                        ? Mono.<DataBuffer>empty()
                        : Mono.error(new AuthenticationFailedException(
                                AuthenticationFailedException.Reason.MALFORMED_HEADER,
                                "the body decrypts to " + written.get() + " bytes but the metadata says "
                                        + expectedLength))));
        FileStreams.write(counted, file);
        return written.get();
    }

    private static void checkBodyLength(Path body, ObjectMetadataFile metadata) {
        long size = size(body);
        if (metadata.contentLength().isPresent() && metadata.contentLength().getAsLong() != size) {
            throw CommandFailure.objectFailed(
                    "the body file has " + size + " bytes but the metadata's ContentLength is "
                            + metadata.contentLength().getAsLong() + ": truncated, or not this object's body");
        }
    }

    private static long size(Path body) {
        try {
            return Files.size(body);
        } catch (IOException e) {
            throw CommandFailure.configuration(
                    "cannot read " + body + ": " + e.getClass().getSimpleName());
        }
    }
}
