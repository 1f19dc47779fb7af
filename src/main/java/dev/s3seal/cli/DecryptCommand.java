package dev.s3seal.cli;

import dev.s3seal.cli.files.AtomicOutput;
import dev.s3seal.cli.files.FileDecryptor;
import dev.s3seal.cli.files.KeyOptions;
import dev.s3seal.cli.files.ObjectMetadataFile;
import dev.s3seal.cli.files.OfflineKeys;
import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code decrypt}: an object downloaded directly from the bucket (body file + metadata JSON) back to its
 * plaintext, with no proxy and no upstream. The output appears only when the whole object authenticated.
 */
@Command(
        name = "decrypt",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Decrypt an object downloaded directly from the bucket (no proxy, no upstream).",
        description = {
            "%nReads s3seal's format (single-part and multipart) and the AWS S3 Encryption Client's (V2, V3)."
                    + " BODY is the stored object (e.g. from 'aws s3api get-object'); --metadata is its metadata as"
                    + " JSON ('aws s3api head-object' output, or a plain {\"name\": \"value\"} map).",
            "%nThe plaintext goes to a temporary file that is renamed to OUTPUT only after the whole object"
                    + " verified; on any failure nothing is left at OUTPUT.%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_OBJECTS_FAILED, ExitCodes.HELP_USAGE})
final class DecryptCommand implements Callable<Integer> {

    private final ToolEnvironment environment;

    DecryptCommand(ToolEnvironment environment) {
        this.environment = environment;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ObjectOptions object;

    @Option(
            names = "--metadata",
            required = true,
            paramLabel = "JSON",
            description = "The object's metadata: 'aws s3api head-object' output or a {\"name\": \"value\"} map.")
    private Path metadata;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "Where the plaintext goes.")
    private Path output;

    @Option(names = "--force", description = "Replace OUTPUT if it exists (only once the object verified).")
    private boolean force;

    @Mixin
    private KeyOptions keyOptions;

    @Parameters(index = "0", paramLabel = "BODY", description = "The stored (encrypted) body.")
    private Path body;

    @Override
    public Integer call() throws IOException {
        if (!Files.isReadable(body)) {
            throw CommandFailure.configuration("cannot read " + body);
        }
        ObjectMetadataFile described = ObjectMetadataFile.read(metadata);
        try (AtomicOutput out = AtomicOutput.create(output, force);
                OfflineKeys keys = new OfflineKeys(keyOptions, environment)) {
            FileDecryptor.Result result =
                    new FileDecryptor(keys).decrypt(body, described, object.bucket, object.key, out.temporary());
            out.commit();
            spec.commandLine()
                    .getOut()
                    .println("decrypted s3://" + object.bucket + "/" + object.key + " (" + result.format() + ", "
                            + result.plaintextLength() + " bytes) to " + output);
        }
        return ExitCodes.OK;
    }
}
