package dev.s3seal.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command-line S3 clients as end-to-end tests run them against s3seal: the AWS CLI, rclone and
 * s3cmd, configured only through the environment and files under the test's own folder.
 */
public final class CliClients {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final URI endpoint;
    private final String accessKey;
    private final String secret;
    private final Path workDir;

    public CliClients(URI endpoint, String accessKey, String secret, Path workDir) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secret = secret;
        this.workDir = workDir;
    }

    /** {@code aws --endpoint-url ... ARGS}; the caller checks the exit code. */
    public Command.Result awsAllowingFailure(String... args) {
        List<String> command =
                new ArrayList<>(List.of("aws", "--endpoint-url", endpoint.toString(), "--region", "us-east-1"));
        command.addAll(List.of(args));
        Map<String, String> env = Map.of(
                "AWS_ACCESS_KEY_ID",
                accessKey,
                "AWS_SECRET_ACCESS_KEY",
                secret,
                "AWS_CONFIG_FILE",
                workDir.resolve("aws-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE",
                workDir.resolve("aws-credentials").toString());
        return Command.run(env, TIMEOUT, command);
    }

    public Command.Result aws(String... args) {
        return awsAllowingFailure(args).assertSuccess();
    }

    /** {@code rclone ARGS} with a remote named {@code s3seal:} pointing at the endpoint. */
    public Command.Result rclone(String... args) {
        List<String> command = new ArrayList<>(
                List.of("rclone", "--config", workDir.resolve("rclone.conf").toString()));
        command.addAll(List.of(args));
        Map<String, String> env = Map.of(
                "RCLONE_CONFIG_S3SEAL_TYPE", "s3",
                "RCLONE_CONFIG_S3SEAL_PROVIDER", "Other",
                "RCLONE_CONFIG_S3SEAL_ACCESS_KEY_ID", accessKey,
                "RCLONE_CONFIG_S3SEAL_SECRET_ACCESS_KEY", secret,
                "RCLONE_CONFIG_S3SEAL_ENDPOINT", endpoint.toString(),
                "RCLONE_CONFIG_S3SEAL_REGION", "us-east-1",
                "RCLONE_CONFIG_S3SEAL_FORCE_PATH_STYLE", "true");
        return Command.run(env, TIMEOUT, command).assertSuccess();
    }

    /** {@code s3cmd ARGS} (path-style, plain HTTP, SigV4) with a config file written under the work folder. */
    public Command.Result s3cmd(String... args) {
        Path config = workDir.resolve("s3cfg");
        String host = endpoint.getHost() + ":" + endpoint.getPort();
        try {
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "[default]",
                            "access_key = " + accessKey,
                            "secret_key = " + secret,
                            "host_base = " + host,
                            "host_bucket = " + host,
                            "use_https = False",
                            "signature_v2 = False",
                            "bucket_location = us-east-1",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("s3cmd", "-c", config.toString(), "--no-progress"));
        command.addAll(List.of(args));
        return Command.run(Map.of(), TIMEOUT, command).assertSuccess();
    }
}
