package dev.s3seal.cli;

import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.keys.local.LocalMasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keygen FILE}: a new local master key (32 random bytes, base64, the format {@link LocalMasterKey}
 * loads) in a file only its owner can read, created atomically and never over an existing file; then how to
 * hand it to s3seal on Kubernetes and in the policy.
 */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        header = "Create a local master key file (cse-local) and say how to deploy it.",
        description = {
            "%n32 random bytes, base64, in a file only its owner can read or write (0600), the format the policy's"
                    + " 'type: local' keys load. Refuses to overwrite an existing file. Prints how to load it as a"
                    + " Kubernetes Secret and reference it from the policy.%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_USAGE})
final class KeygenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The key file to create, e.g. master-v1.key.")
    private Path file;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = "master",
            description = "The key's name in the policy (default: ${DEFAULT-VALUE}).")
    private String name;

    @Option(
            names = "--key-version",
            paramLabel = "N",
            defaultValue = "1",
            description = "The key's version in the policy (default: ${DEFAULT-VALUE}).")
    private int version;

    @Option(
            names = "--secret",
            paramLabel = "NAME",
            defaultValue = "s3seal-master-keys",
            description =
                    "The Kubernetes Secret to put it in (default: ${DEFAULT-VALUE}, the chart's masterKeys.existingSecret).")
    private String secret;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            defaultValue = "s3seal",
            description = "The Kubernetes namespace (default: ${DEFAULT-VALUE}).")
    private String namespace;

    @Override
    public Integer call() {
        if (version < 1) {
            throw CommandFailure.configuration("--key-version must be 1 or more");
        }
        boolean written;
        try {
            written = LocalMasterKey.generateFileIfMissing(file);
        } catch (IOException e) {
            throw CommandFailure.configuration("cannot create " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (!written) {
            throw CommandFailure.configuration(file + " exists; refusing to overwrite a key (objects under it would"
                    + " become unreadable). Choose another file, e.g. " + name + "-v" + (version + 1) + ".key");
        }
        printInstructions(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    private void printInstructions(PrintWriter out) {
        String entry = name + "-v" + version;
        out.println("Wrote a new 256-bit master key to " + file + " (owner read/write only).");
        out.println("Keep a backup: objects written under this key cannot be read without it.");
        out.println();
        out.println("Kubernetes: put it in a Secret (one Secret key per version):");
        out.println("  kubectl -n " + namespace + " create secret generic " + secret + " \\");
        out.println("    --from-file=" + entry + "=" + file);
        out.println("  (a Secret that exists already: add --dry-run=client -o yaml | kubectl apply -f -,");
        out.println("   with one --from-file per version to keep)");
        out.println("Helm values: the chart mounts it read-only at /etc/s3seal/keys/" + entry + ":");
        out.println("  masterKeys:");
        out.println("    existingSecret: " + secret);
        out.println();
        out.println("Policy: reference it from the key, and name the key in a rule:");
        out.println("  keys:");
        out.println("    " + name + ":");
        out.println("      type: local");
        if (version > 1) {
            out.println("      active-version: " + version + "   # new objects; keep listing the older versions");
        }
        out.println("      versions:");
        out.println("        - {version: " + version + ", file: /etc/s3seal/keys/" + entry + "}");
        out.println("  rules:");
        out.println("    - {name: default, mode: cse-local, key: " + name + "}");
        out.println("Outside Kubernetes, use the file's own path: file: " + file.toAbsolutePath());
    }
}
