package dev.s3seal.config;

import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.CredentialStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The clients of s3seal as configured under {@code s3seal.clients}, secrets read once at startup. */
public final class ConfiguredCredentialStore implements CredentialStore {

    private final Map<String, ClientCredential> byAccessKeyId = new HashMap<>();

    public ConfiguredCredentialStore(List<ClientCredential> clients) {
        for (ClientCredential client : clients) {
            if (byAccessKeyId.putIfAbsent(client.accessKeyId(), client) != null) {
                throw new InvalidConfigurationException(
                        "s3seal.clients", "access key id " + client.accessKeyId() + " is configured twice");
            }
        }
    }

    /** Reads and validates {@code s3seal.clients[i]}, naming the bad key when something is missing. */
    public static ConfiguredCredentialStore from(List<S3SealProperties.Client> clients) {
        List<ClientCredential> credentials = new java.util.ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            S3SealProperties.Client client = clients.get(i);
            String prefix = "s3seal.clients[" + i + "].";
            require(client.accessKeyId(), prefix + "access-key-id");
            String name = client.name() == null || client.name().isBlank() ? client.accessKeyId() : client.name();
            String secret = secretOf(client, prefix);
            Set<String> buckets =
                    client.buckets() == null || client.buckets().isEmpty() ? Set.of("*") : client.buckets();
            credentials.add(new ClientCredential(name, client.accessKeyId(), secret, Set.copyOf(buckets)));
        }
        return new ConfiguredCredentialStore(credentials);
    }

    @Override
    public Optional<ClientCredential> findByAccessKeyId(String accessKeyId) {
        return Optional.ofNullable(byAccessKeyId.get(accessKeyId));
    }

    private static String secretOf(S3SealProperties.Client client, String prefix) {
        if (client.secretAccessKey() != null && !client.secretAccessKey().isBlank()) {
            return client.secretAccessKey();
        }
        if (client.secretFile() == null) {
            throw new InvalidConfigurationException(
                    prefix + "secret-access-key", "set it, or " + prefix + "secret-file to a file holding the secret");
        }
        try {
            String secret = Files.readString(client.secretFile(), StandardCharsets.UTF_8)
                    .strip();
            if (secret.isEmpty()) {
                throw new InvalidConfigurationException(prefix + "secret-file", client.secretFile() + " is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    prefix + "secret-file",
                    "cannot read " + client.secretFile() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationException(key, "is required");
        }
    }
}
