package dev.s3seal.cli.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Files as the proxy's body streams, for the file commands. Plain blocking I/O on the calling thread: a
 * command has nothing else to do meanwhile, and keeping reads, crypto and writes on one thread avoids the
 * thread hops of asynchronous file channels (which cost more than the AES-GCM itself here). Memory is one
 * {@value #READ_BUFFER}-byte read plus what the operators stage.
 */
final class FileStreams {

    static final int READ_BUFFER = 256 * 1024;

    private FileStreams() {}

    /** {@code file}'s bytes, read lazily as the subscriber asks. */
    static Flux<DataBuffer> read(Path file) {
        return DataBufferUtils.readInputStream(
                () -> Files.newInputStream(file), DefaultDataBufferFactory.sharedInstance, READ_BUFFER);
    }

    /** Writes {@code body} to {@code file} (which exists), releasing each buffer; blocks until the body ends. */
    static void write(Flux<DataBuffer> body, Path file) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            body.doOnNext(buffer -> {
                        try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
                            while (it.hasNext()) {
                                ByteBuffer bytes = it.next();
                                while (bytes.hasRemaining()) {
                                    out.write(bytes);
                                }
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } finally {
                            DataBufferUtils.release(buffer);
                        }
                    })
                    .blockLast();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
