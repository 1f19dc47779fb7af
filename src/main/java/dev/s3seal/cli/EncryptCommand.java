package dev.s3seal.cli;

import dev.s3seal.cli.files.AtomicOutput;
import dev.s3seal.cli.files.FileEncryptor;
import dev.s3seal.cli.files.KeyOptions;
import dev.s3seal.cli.files.ObjectMetadataFile;
import dev.s3seal.cli.files.OfflineKeys;
import dev.s3seal.cli.support.CommandFailure;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import dev.s3seal.keys.KeyContext;
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
 * {@code encrypt}: a plaintext file to a body plus metadata JSON that, uploaded directly to the bucket under
 * the given bucket and key, the proxy reads like an object it wrote.
 */
@Command(
        name = "encrypt",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Encrypt a file offline into a body and metadata that s3seal reads once uploaded.",
        description = {
            "%nUpload both directly to the bucket under exactly --bucket/--key (e.g. aws s3api put-object --body"
                    + " OUTPUT --metadata file://OUTPUT.metadata.json); s3seal then reads the object like one it wrote.",
            "%nNeeds the key the policy's rule names: --key-file with --key-name and --key-version (a 'type: local'"
                    + " key), or --kms-key-id.%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_OBJECTS_FAILED, ExitCodes.HELP_USAGE})
final class EncryptCommand implements Callable<Integer> {

    private final ToolEnvironment environment;

    EncryptCommand(ToolEnvironment environment) {
        this.environment = environment;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ObjectOptions object;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "Where the encrypted body goes.")
    private Path output;

    @Option(
            names = "--metadata-out",
            paramLabel = "JSON",
            description = "Where the metadata goes, a {\"name\": \"value\"} map (default: OUTPUT.metadata.json).")
    private Path metadataOut;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "s3seal",
            description = "s3seal (default) or s3ec-v3 (the AWS S3 Encryption Client's V3 format).")
    private String format;

    @Option(
            names = "--key-name",
            paramLabel = "NAME",
            description = "With --key-file: the local key's name in the policy (required for the s3seal format).")
    private String keyName;

    @Option(
            names = "--key-version",
            paramLabel = "N",
            defaultValue = "1",
            description = "With --key-file: the local key's version in the policy (default: ${DEFAULT-VALUE}).")
    private String keyVersion;

    @Option(
            names = "--segment-size",
            paramLabel = "BYTES",
            defaultValue = "65536",
            description = "s3seal format: plaintext bytes per segment (default: ${DEFAULT-VALUE}, the proxy's).")
    private int segmentSize;

    @Option(names = "--force", description = "Replace OUTPUT and the metadata file if they exist.")
    private boolean force;

    @Mixin
    private KeyOptions keyOptions;

    @Parameters(index = "0", paramLabel = "PLAINTEXT", description = "The file to encrypt.")
    private Path plaintext;

    @Override
    public Integer call() throws IOException {
        boolean s3ec = switch (format) {
            case "s3seal" -> false;
            case "s3ec-v3" -> true;
            default -> throw CommandFailure.configuration("--format must be s3seal or s3ec-v3, not " + format);
        };
        if ((keyOptions.keyFile == null) == (keyOptions.kmsKeyId == null)) {
            throw CommandFailure.configuration("give exactly one of --key-file and --kms-key-id");
        }
        if (!s3ec && keyOptions.keyFile != null && keyName == null) {
            throw CommandFailure.configuration("--key-file needs --key-name: the name of the local key in the policy");
        }
        if (!Files.isReadable(plaintext) || Files.isDirectory(plaintext)) {
            throw CommandFailure.configuration("cannot read " + plaintext);
        }
        Path metadataFile = metadataOut != null ? metadataOut : Path.of(output + ".metadata.json");
        try (AtomicOutput bodyOut = AtomicOutput.create(output, force);
                AtomicOutput metadataOutput = AtomicOutput.create(metadataFile, force);
                OfflineKeys keys = new OfflineKeys(keyOptions, environment)) {
            FileEncryptor encryptor = new FileEncryptor(keys);
            FileEncryptor.Result result;
            try {
                result = s3ec
                        ? encryptor.s3ecV3(plaintext, bodyOut.temporary())
                        : encryptor.s3seal(
                                plaintext,
                                KeyContext.of(object.bucket, object.key, keyOptions.context),
                                keyName,
                                keyVersion,
                                segmentSize,
                                bodyOut.temporary());
            } catch (RuntimeException failure) {
                throw CommandFailure.of(failure);
            }
            ObjectMetadataFile.write(result.userMetadata(), metadataOutput.temporary());
            bodyOut.commit();
            metadataOutput.commit();
            spec.commandLine()
                    .getOut()
                    .println("encrypted " + plaintext + " (" + result.plaintextLength() + " bytes) for s3://"
                            + object.bucket + "/" + object.key + " to " + output + " (" + result.ciphertextLength()
                            + " bytes) and " + metadataFile);
        }
        return ExitCodes.OK;
    }
}
