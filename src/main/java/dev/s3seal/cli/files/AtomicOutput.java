package dev.s3seal.cli.files;

import dev.s3seal.cli.support.CommandFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An output file that appears only complete: bytes go to a temporary file next to the target (owner-only
 * permissions, since it may hold plaintext), and {@link #commit()} syncs it and renames it into place in one
 * atomic step. Closing without a commit deletes the temporary file (and so does the JVM's exit, e.g. on
 * Ctrl-C), so a failed or interrupted run leaves no output behind, and never a partial file under the
 * target's name.
 */
public final class AtomicOutput implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private final boolean overwrite;
    private boolean committed;

    private AtomicOutput(Path target, Path temporary, boolean overwrite) {
        this.target = target;
        this.temporary = temporary;
        this.overwrite = overwrite;
    }

    /** Refuses an existing {@code target} unless {@code overwrite}; a usage error (exit 2) either way it fails. */
    public static AtomicOutput create(Path target, boolean overwrite) {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw CommandFailure.configuration(target + " is a directory");
        }
        if (!overwrite && Files.exists(absolute)) {
            throw CommandFailure.configuration(target + " exists; choose another output or pass --force");
        }
        Path directory = absolute.getParent();
        try {
            boolean posix =
                    directory.getFileSystem().supportedFileAttributeViews().contains("posix");
            Path temporary = posix
                    ? Files.createTempFile(
                            directory,
                            "." + absolute.getFileName() + ".",
                            ".partial",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".partial");
            // Ctrl-C runs the JVM's shutdown, not close(): the temporary file goes then too
            temporary.toFile().deleteOnExit();
            return new AtomicOutput(absolute, temporary, overwrite);
        } catch (IOException e) {
            throw CommandFailure.configuration(
                    "cannot create a file in " + directory + ": " + e.getClass().getSimpleName());
        }
    }

    /** Where to write the bytes. */
    public Path temporary() {
        return temporary;
    }

    Path target() {
        return target;
    }

    /** Makes the written bytes durable, then moves them to the target name atomically. */
    public void commit() throws IOException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        if (overwrite) {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            // a plain rename would replace a file created meanwhile; a hard link fails instead
            try {
                Files.createLink(target, temporary);
                Files.delete(temporary);
            } catch (UnsupportedOperationException noLinks) {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                throw new FileAlreadyExistsException(target + " appeared while the command ran; output discarded");
            }
        }
        committed = true;
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // nothing more to do: the temporary name is hidden and says .partial
            }
        }
    }
}
