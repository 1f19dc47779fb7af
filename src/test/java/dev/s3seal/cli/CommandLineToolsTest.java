package dev.s3seal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import dev.s3seal.keys.kms.KmsSettings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which arguments run the proxy and which a command; help, usage errors and their exit codes. */
class CommandLineToolsTest {

    @Test
    void shouldRunTheProxyWithoutArguments() {
        assertThat(CommandLineTools.isCommand(new String[0])).isFalse();
    }

    @Test
    void shouldRunTheProxyWithOnlySpringOptions() {
        assertThat(CommandLineTools.isCommand(
                        new String[] {"--server.port=0", "--s3seal.policy=/etc/policy.yaml", "--debug"}))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"decrypt", "keygen", "help", "--help", "-h", "--version", "-V", "decrpyt"})
    void shouldRunTheCommandLineForAWordOrHelp(String arg) {
        assertThat(CommandLineTools.isCommand(new String[] {arg})).isTrue();
        assertThat(CommandLineTools.isCommand(new String[] {"--server.port=0", arg}))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"keygen", "encrypt", "decrypt"})
    void shouldPrintHelpWithExitCodesForEveryCommand(String command) {
        CliRun run = CliRun.of(command, "--help");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("Usage: s3seal " + command)
                .contains("Exit codes:")
                .contains("0   success")
                .contains("2   usage or configuration error");
    }

    @Test
    void shouldListTheCommandsInTheTopLevelHelp() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("keygen")
                .contains("encrypt")
                .contains("decrypt")
                .contains("Exit codes:")
                .contains("runs the");
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownCommand() {
        CliRun run = CliRun.of("decrpyt");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Unmatched argument").contains("s3seal decrypt");
    }

    @Test
    void shouldExitWithUsageErrorWhenARequiredOptionIsMissing() {
        CliRun run = CliRun.of("decrypt", "--bucket", "b", "-o", "out", "body.bin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
                .contains("Missing required options")
                .contains("--key")
                .contains("--metadata");
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownOption() {
        CliRun run = CliRun.of("keygen", "--colour", "blue", "k.key");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Unknown option");
    }

    @Test
    void shouldTakeKmsSettingsFromTheProxyPropertiesUnlessAnOptionOverrides() {
        ToolEnvironment environment = ToolEnvironment.of(
                Map.of("s3seal.kms.endpoint", "http://127.0.0.1:5000", "s3seal.kms.region", "eu-west-1"));

        KmsSettings fromProperties = environment.kmsSettings(null, null);
        KmsSettings fromOptions = environment.kmsSettings("http://kms.example:443", "eu-central-1");

        assertThat(fromProperties.endpoint()).isEqualTo(URI.create("http://127.0.0.1:5000"));
        assertThat(fromProperties.region()).isEqualTo("eu-west-1");
        assertThat(fromOptions.endpoint()).isEqualTo(URI.create("http://kms.example:443"));
        assertThat(fromOptions.region()).isEqualTo("eu-central-1");
    }

    @Test
    void shouldFallBackToTheUpstreamRegionForKmsAsTheProxyDoes() {
        KmsSettings settings = ToolEnvironment.of(Map.of("s3seal.upstream.region", "ap-south-1"))
                .kmsSettings(null, null);

        assertThat(settings.region()).isEqualTo("ap-south-1");
        assertThat(settings.endpoint()).isNull();
    }
}
