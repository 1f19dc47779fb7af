package dev.s3seal.cli;

import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;

/**
 * The jar's command line: {@code java -jar s3seal.jar <command> ...} runs a command and exits with one of
 * {@link ExitCodes}; anything else runs the proxy as before. Parsing, help and usage errors are picocli's.
 */
public final class CommandLineTools {

    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    private CommandLineTools() {}

    /**
     * True when {@code args} ask for a command (or for help or the version); false when the proxy should run:
     * no arguments at all, or only Spring Boot's {@code --name=value} (and {@code --flag}) options, as the demo,
     * the Helm chart and the Dockerfile start it. Any other word, a misspelt command included, goes to the
     * command line, which names what exists instead of starting a proxy.
     */
    public static boolean isCommand(String[] args) {
        for (String arg : args) {
            if (TOP_LEVEL_OPTIONS.contains(arg) || !arg.startsWith("--")) {
                return true;
            }
        }
        return false;
    }

    /** Runs the command {@code args} name against the process's configuration; returns the exit code. */
    public static int run(String[] args) {
        ToolLogging.quietLibraries();
        return execute(
                args,
                ToolEnvironment.fromSystem(),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
    }

    /** Runs the command {@code args} name; output and errors go to the given writers (tests read them). */
    public static int execute(String[] args, ToolEnvironment environment, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = commandLine(environment);
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    static CommandLine commandLine(ToolEnvironment environment) {
        CommandLine commandLine = new CommandLine(new S3SealCommand(), new WithEnvironment(environment));
        commandLine.setExecutionExceptionHandler((failure, failed, parsed) -> {
            String command = failed.getCommandSpec().qualifiedName();
            if (failure instanceof CommandFailure known) {
                failed.getErr().println(command + ": " + known.getMessage());
                return known.exitCode();
            }
            // a failure no command foresaw: one line, no stack trace (it could name more than the user needs)
            failed.getErr().println(command + ": " + CommandFailure.of(failure).getMessage());
            return ExitCodes.OBJECTS_FAILED;
        });
        return commandLine;
    }

    /**
     * Makes the commands: those that need the proxy's configuration take it in their constructor (so no
     * command reaches back to the top-level one for it); picocli's own factory makes the rest.
     */
    private record WithEnvironment(ToolEnvironment environment) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                var constructor = type.getDeclaredConstructor(ToolEnvironment.class);
                return constructor.newInstance(environment);
            } catch (NoSuchMethodException noEnvironment) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
