package dev.s3seal.policy;

import java.util.Arrays;
import java.util.Optional;

/** The object format s3seal writes under a client-side encryption rule. Reads accept every format. */
public enum Format {
    /** s3seal's segmented authenticated format (see docs/format.md); ranged reads stay authenticated. */
    S3SEAL("s3seal"),
    /** The AWS S3 Encryption Client's V3 format, for data that AWS clients must read directly. */
    S3EC_V3("s3ec-v3");

    private final String yamlName;

    Format(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<Format> fromYaml(String name) {
        return Arrays.stream(values()).filter(f -> f.yamlName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
