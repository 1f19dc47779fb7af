package dev.s3seal.cli;

import dev.s3seal.cli.support.ToolEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One in-process run of the command line: its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        return with(Map.of(), args);
    }

    /** With {@code s3seal.*} properties as the process environment would give them. */
    public static CliRun with(Map<String, String> properties, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CommandLineTools.execute(
                args, ToolEnvironment.of(properties), new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
