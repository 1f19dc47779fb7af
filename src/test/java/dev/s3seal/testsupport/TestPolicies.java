package dev.s3seal.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Policies for end-to-end tests of the client-side modes: a local master key {@code master}
 * (a fresh key file) and a KMS key {@code kms-main} (a fresh alias in the real moto), with the
 * rules a test passes, wired into s3seal's properties.
 */
public final class TestPolicies {

    /** deny {@code secret/}, passthrough {@code public/}, cse-kms {@code kms/}, cse-local everywhere else. */
    public static final List<String> STANDARD_RULES = List.of(
            "  - name: secrets-denied",
            "    key-prefixes: [secret/]",
            "    mode: deny",
            "  - name: public-plain",
            "    key-prefixes: [public/]",
            "    mode: passthrough",
            "  - name: kms-prefix",
            "    key-prefixes: [kms/]",
            "    mode: cse-kms",
            "    key: kms-main",
            "  - name: default",
            "    mode: cse-local",
            "    key: master");

    private TestPolicies() {}

    /** The material of the local master key {@code master} the policies use (fixed, so tests can use it too). */
    public static byte[] masterKeyMaterial() {
        byte[] material = new byte[32];
        new Random(1).nextBytes(material);
        return material;
    }

    /** Registers the policy; returns the id of the fresh KMS key behind {@code kms-main}. */
    public static String register(DynamicPropertyRegistry registry, List<String> rules) throws IOException {
        MotoServer moto = MotoServer.get();
        String alias = "s3seal-it-" + UUID.randomUUID().toString().substring(0, 8);
        String kmsKeyId = moto.createKey(alias);
        Path dir = Files.createTempDirectory("s3seal-policy");
        Path key = dir.resolve("master-v1.key");
        byte[] material = masterKeyMaterial();
        Files.writeString(key, Base64.getEncoder().encodeToString(material));
        List<String> lines = new ArrayList<>(List.of(
                "keys:",
                "  master:",
                "    type: local",
                "    versions:",
                "      - version: 1",
                "        file: " + key,
                "  kms-main:",
                "    type: kms",
                "    key-id: alias/" + alias,
                "rules:"));
        lines.addAll(rules);
        lines.add("");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n", lines));
        registry.add("s3seal.policy", policy::toString);
        registry.add("s3seal.kms.endpoint", () -> moto.endpoint().toString());
        registry.add("s3seal.kms.region", () -> MotoServer.REGION);
        registry.add("s3seal.kms.access-key-id", () -> "test");
        registry.add("s3seal.kms.secret-access-key", () -> "test");
        return kmsKeyId;
    }
}
