package dev.s3seal.cli.migrate;

import dev.s3seal.cli.support.StoredObject;
import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.ObjectFormat;
import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyContext;
import dev.s3seal.keys.WrappedKey;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/** Where the object is, what it was, and the headers (content, user metadata, tags) its rewrite sets again. */
record RewriteSource(String bucket, String key, StoredObject stored, Map<String, List<String>> objectHeaders) {

    /** The buffers of migrate's own requests (it has no server of its own to take them from). */
    static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    /** The envelope of a rewrite, single-part or multipart: exactly what the proxy's writes record. */
    static EnvelopeMetadata envelope(
            DataKey dataKey,
            KeyContext context,
            long length,
            int segmentSize,
            byte[] sealedMd5,
            Integer partCount,
            byte[] manifest) {
        WrappedKey wrapped = dataKey.wrapped();
        return new EnvelopeMetadata(
                ObjectFormat.VERSION_1,
                wrapped.provider(),
                wrapped.keyId(),
                wrapped.keyVersion(),
                wrapped.ciphertext(),
                length,
                segmentSize,
                sealedMd5,
                partCount,
                manifest,
                context.recordedWith(wrapped));
    }
}
