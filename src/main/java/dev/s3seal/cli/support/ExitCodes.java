package dev.s3seal.cli.support;

/**
 * The exit codes scripts can rely on, the same for every command: success, some objects failed (the run
 * went through and reported each failure), or the command could not run at all (bad arguments,
 * configuration, or files it needs).
 */
public final class ExitCodes {

    /** Everything the command was asked to do succeeded. */
    public static final int OK = 0;
    /** The command ran, and at least one object failed (tampered, wrong key, ...); each failure was reported. */
    public static final int OBJECTS_FAILED = 1;
    /** Usage or configuration error: unknown option, missing argument, unreadable key file, bad metadata file. */
    public static final int USAGE = 2;

    /** The exit code list every command's --help shows. */
    public static final String HELP_OK = "0:success";

    public static final String HELP_OBJECTS_FAILED =
            "1:an object failed (not authentic, wrong or unavailable key, ...);"
                    + " the reason is printed, no output is left";
    public static final String HELP_USAGE =
            "2:usage or configuration error (bad option, unreadable file, existing output)";

    private ExitCodes() {}
}
