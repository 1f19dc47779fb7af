package dev.s3seal.cli.files;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the keys come from for the file commands: a local master key file, or KMS. */
public final class KeyOptions {

    @Option(
            names = "--key-file",
            paramLabel = "FILE",
            description = "Local master key file (32 bytes, base64 or hex; what `keygen` writes and the policy's"
                    + " `type: local` keys load).")
    public Path keyFile;

    @Option(
            names = "--kms-key-id",
            paramLabel = "ID",
            description = "KMS key (id, ARN, alias/NAME). encrypt: the key that wraps the new data key. decrypt:"
                    + " for the S3 Encryption Client's format, the only key KMS may use (default: the one in the"
                    + " wrapped key); s3seal's format names its key itself.")
    public String kmsKeyId;

    @Option(
            names = "--kms-endpoint",
            paramLabel = "URL",
            description = "KMS endpoint (default: s3seal.kms.endpoint / S3SEAL_KMS_ENDPOINT, else AWS's endpoint"
                    + " for the region). Credentials: s3seal.kms.access-key-id / S3SEAL_KMS_ACCESS_KEY_ID, else the"
                    + " AWS default chain.")
    String kmsEndpoint;

    @Option(
            names = "--kms-region",
            paramLabel = "REGION",
            description = "KMS region (default: s3seal.kms.region / S3SEAL_KMS_REGION, else the upstream's region,"
                    + " else us-east-1).")
    String kmsRegion;

    @Option(
            names = "--context",
            paramLabel = "NAME=VALUE",
            description = "Extra KMS encryption context, as the policy key's `encryption-context` (repeatable).")
    public Map<String, String> context = new LinkedHashMap<>();
}
