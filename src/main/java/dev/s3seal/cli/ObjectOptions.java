package dev.s3seal.cli;

import picocli.CommandLine.Option;

/** The object a file belongs to: its data key is bound to its bucket and key, so both are required. */
final class ObjectOptions {

    @Option(
            names = "--bucket",
            required = true,
            paramLabel = "BUCKET",
            description = "The object's bucket (the wrapped data key is bound to it).")
    String bucket;

    @Option(
            names = "--key",
            required = true,
            paramLabel = "KEY",
            description = "The object's key (the wrapped data key is bound to it).")
    String key;
}
