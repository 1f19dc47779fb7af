package dev.s3seal.cli;

import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar s3seal.jar <command>}: the top of the command tree. Without a command the jar runs the
 * proxy ({@link CommandLineTools#isCommand}), so this class only ever sees a command or a request for help.
 *
 * <p>Commands come in two kinds. <em>File commands</em> (keygen, encrypt, decrypt) need no proxy and no
 * upstream: only keys, from their own options or the {@code s3seal.kms.*} configuration. <em>Bucket
 * commands</em> (verify; rewrap and migrate to come) work on a bucket through the upstream, under the
 * policy, exactly as the proxy is configured ({@link BucketTools}: {@code S3SEAL_POLICY},
 * {@code S3SEAL_UPSTREAM_*}, {@code S3SEAL_KMS_*}); they are added to {@code subcommands} below, report
 * per object and exit {@link ExitCodes#OBJECTS_FAILED} when any object failed.
 */
@Command(
        name = "s3seal",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = {
            "%ns3seal: a streaming encryption proxy for S3, and the tools around it. Without a command (or with only"
                    + " --name=value Spring options) the jar runs the proxy. keygen, encrypt and decrypt work on files and"
                    + " need no proxy and no upstream; verify, rewrap and migrate work on a bucket through the upstream, with the proxy's"
                    + " configuration.%n"
        },
        subcommands = {
            KeygenCommand.class,
            EncryptCommand.class,
            DecryptCommand.class,
            VerifyCommand.class,
            RewrapCommand.class,
            MigrateCommand.class,
            HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_OBJECTS_FAILED, ExitCodes.HELP_USAGE},
        footer = {"", "Run 's3seal <command> --help' for a command's options. Reference: docs/tools.md"})
public final class S3SealCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        // reached only with options and no command (e.g. a misspelt option): say what exists
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
