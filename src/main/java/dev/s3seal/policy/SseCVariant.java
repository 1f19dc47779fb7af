package dev.s3seal.policy;

import java.util.Arrays;
import java.util.Optional;

/** Who holds the customer key and who encrypts, for rules in mode {@link Mode#SSE_C}. */
public enum SseCVariant {
    /** The client sends its own SSE-C headers; s3seal forwards them and upstream S3 encrypts. */
    PASS_THROUGH("pass-through"),
    /** s3seal adds SSE-C headers with a customer key it holds (a {@link KeyDefinition.CustomerKey}). */
    INJECT("inject"),
    /**
     * For upstreams without SSE-C: s3seal encrypts with the client's key itself and stores a salted
     * HMAC of that key, which it compares on read before decrypting (as S3 does).
     */
    EMULATED("emulated");

    private final String yamlName;

    SseCVariant(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<SseCVariant> fromYaml(String name) {
        return Arrays.stream(values()).filter(v -> v.yamlName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
