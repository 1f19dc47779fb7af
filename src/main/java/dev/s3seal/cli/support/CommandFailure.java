package dev.s3seal.cli.support;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.crypto.s3ec.S3ecException;
import dev.s3seal.keys.KeyProviderException;
import dev.s3seal.stream.BodyLengthMismatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import reactor.core.Exceptions;

/**
 * Why a command stops, as one line for the user and an exit code for scripts ({@link ExitCodes}). Commands
 * throw it; {@code CommandLineTools} prints {@code s3seal <command>: <message>} and exits with the code. The
 * message is written for the user: it names files, objects and reasons, never key material.
 */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    private CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The object could not be processed (not authentic, wrong or unavailable key, ...): exit 1. */
    public static CommandFailure objectFailed(String message) {
        return new CommandFailure(ExitCodes.OBJECTS_FAILED, message, null);
    }

    public static CommandFailure objectFailed(String message, Throwable cause) {
        return new CommandFailure(ExitCodes.OBJECTS_FAILED, message, cause);
    }

    /** The command cannot run as configured (missing or unreadable file, conflicting options, ...): exit 2. */
    public static CommandFailure configuration(String message) {
        return new CommandFailure(ExitCodes.USAGE, message, null);
    }

    public static CommandFailure configuration(String message, Throwable cause) {
        return new CommandFailure(ExitCodes.USAGE, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The failure for an exception out of the codecs, key providers or file I/O: one line saying why the object
     * failed (exit 1); never key material (none of these messages carry any).
     */
    public static CommandFailure of(Throwable error) {
        Throwable e = Exceptions.unwrap(error);
        if (e instanceof UncheckedIOException io) {
            e = io.getCause();
        }
        if (e instanceof CommandFailure failure) {
            return failure;
        }
        if (e instanceof AuthenticationFailedException auth) {
            // the message starts with the reason
            return CommandFailure.objectFailed("not authentic: " + auth.getMessage(), e);
        }
        if (e instanceof S3ecException s3ec) {
            return CommandFailure.objectFailed("refused (" + s3ec.reason() + "): " + s3ec.getMessage(), e);
        }
        if (e instanceof KeyProviderException key) {
            return CommandFailure.objectFailed(
                    "cannot get the data key (" + key.reason() + "): " + key.getMessage(), e);
        }
        if (e instanceof BodyLengthMismatchException length) {
            return CommandFailure.objectFailed(length.getMessage(), e);
        }
        if (e instanceof IOException io) {
            return CommandFailure.objectFailed(
                    "I/O error: " + io.getClass().getSimpleName() + " " + io.getMessage(), e);
        }
        return CommandFailure.objectFailed(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
}
