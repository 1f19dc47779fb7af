package dev.s3seal.policy;

import java.util.Arrays;
import java.util.Optional;

/** How s3seal treats an object's body and SSE headers under a rule; the YAML name is {@link #yamlName()}. */
public enum Mode {
    /** Upstream S3 encrypts with S3-managed keys: s3seal adds {@code x-amz-server-side-encryption: AES256}. */
    SSE_S3("sse-s3", KeyKind.NONE),
    /** Upstream S3 encrypts under the rule's KMS key (optional encryption context and bucket key). */
    SSE_KMS("sse-kms", KeyKind.KMS),
    /** Customer-provided keys; see {@link SseCVariant} for who holds the key and who encrypts. */
    SSE_C("sse-c", KeyKind.NONE),
    /** s3seal encrypts: envelope encryption with a per-object data key from KMS. */
    CSE_KMS("cse-kms", KeyKind.KMS),
    /** s3seal encrypts: envelope encryption with a data key wrapped under a local master key. */
    CSE_LOCAL("cse-local", KeyKind.LOCAL),
    /** Explicitly unencrypted: the request is forwarded as it is. */
    PASSTHROUGH("passthrough", KeyKind.NONE),
    /** Refused with {@code AccessDenied}. */
    DENY("deny", KeyKind.NONE);

    /** Which kind of key definition a mode needs ({@link #SSE_C} depends on its variant). */
    enum KeyKind {
        NONE,
        KMS,
        LOCAL
    }

    private final String yamlName;
    private final KeyKind keyKind;

    Mode(String yamlName, KeyKind keyKind) {
        this.yamlName = yamlName;
        this.keyKind = keyKind;
    }

    public String yamlName() {
        return yamlName;
    }

    KeyKind keyKind() {
        return keyKind;
    }

    /** True when s3seal itself encrypts the body (client-side encryption as seen by S3). */
    public boolean clientSide() {
        return this == CSE_KMS || this == CSE_LOCAL;
    }

    public static Optional<Mode> fromYaml(String name) {
        return Arrays.stream(values()).filter(m -> m.yamlName.equals(name)).findFirst();
    }

    public static String yamlNames() {
        return String.join(", ", Arrays.stream(values()).map(Mode::yamlName).toList());
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
