package dev.s3seal.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Writes every secret an s3seal started by the tests is configured with (client and upstream secret
 * keys, KMS secret, local master keys and injected customer keys named in its policy) to
 * {@code target/test-secrets.txt}, one per line. {@code scripts/check-logs-for-secrets} then greps
 * every log of the whole test run for them. Registered for all test JVMs in META-INF/spring.factories.
 */
public final class SecretsRecorder implements ApplicationListener<ApplicationPreparedEvent> {

    static final Path FILE = Path.of("target", "test-secrets.txt");

    private static final Pattern KEY_FILE = Pattern.compile("^\\s*(?:-\\s*)?file:\\s*(\\S+)\\s*$", Pattern.MULTILINE);

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableEnvironment environment = event.getApplicationContext().getEnvironment();
        Set<String> secrets = new LinkedHashSet<>();
        for (int i = 0; i < 16; i++) {
            add(secrets, environment.getProperty("s3seal.clients[" + i + "].secret-access-key"));
        }
        add(secrets, environment.getProperty("s3seal.upstream.secret-access-key"));
        add(secrets, environment.getProperty("s3seal.kms.secret-access-key"));
        String policy = environment.getProperty("s3seal.policy");
        if (policy != null && !policy.isBlank() && Files.isRegularFile(Path.of(policy))) {
            Matcher keyFile = KEY_FILE.matcher(read(Path.of(policy)));
            while (keyFile.find()) {
                Path file = Path.of(keyFile.group(1));
                if (Files.isRegularFile(file)) {
                    addKeyMaterial(secrets, file);
                }
            }
        }
        if (secrets.isEmpty() || !Files.isDirectory(FILE.getParent())) {
            return;
        }
        try {
            Files.writeString(
                    FILE,
                    String.join("\n", secrets) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key file's 32 bytes (raw or base64), in the forms a log could show them: base64 and hex. */
    private static void addKeyMaterial(Set<String> secrets, Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] key = raw;
        try {
            key = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException notBase64) {
            // raw bytes
        }
        add(secrets, Base64.getEncoder().encodeToString(key));
        add(secrets, HexFormat.of().formatHex(key));
    }

    /** Values too short to be told from ordinary text (moto's "test") are not secrets worth grepping for. */
    private static void add(Set<String> secrets, String value) {
        if (value != null && value.length() >= 8) {
            secrets.add(value);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
