package dev.s3seal.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/** Local file trees the command-line client tests sync up and down. */
public final class FileTrees {

    private FileTrees() {}

    /**
     * Writes one file of random bytes per size, named {@code prefix + size + ".bin"}. Their mtime is
     * set a minute back to a whole second: S3 (and S3Proxy) report LastModified in whole seconds,
     * and {@code aws s3 sync} uploads again any file whose mtime is later than that, which a file
     * written in the same second as its upload would be.
     */
    public static Path writeRandomFiles(Path dir, long seed, String prefix, int... sizes) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        for (int size : sizes) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            settle(Files.write(dir.resolve(prefix + size + ".bin"), data));
        }
        return dir;
    }

    /** Writes a text file (creating its directories), with an mtime as {@link #writeRandomFiles}. */
    public static void writeText(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        settle(Files.writeString(file, text));
    }

    public static void assertSameTree(Path expected, Path actual) throws IOException {
        try (var files = Files.walk(expected)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path other = actual.resolve(expected.relativize(file).toString());
                assertThat(other).as("downloaded " + other).exists();
                assertThat(Files.mismatch(file, other))
                        .as("content of " + other)
                        .isEqualTo(-1L);
            }
        }
    }

    private static void settle(Path file) throws IOException {
        Instant past = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Files.setLastModifiedTime(file, FileTime.from(past));
    }
}
