package dev.s3seal.cli;

/**
 * Why a command stops, as one line for the user and an exit code for scripts ({@link ExitCodes}). Commands
 * throw it; {@link CommandLineTools} prints {@code s3seal <command>: <message>} and exits with the code. The
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
}
