package dev.s3seal.crypto.s3ec;

import java.util.Optional;

/**
 * How the data key is wrapped: the V2 name ({@code x-amz-wrap-alg}) and the V3 compressed code ({@code x-amz-w}).
 */
public enum WrapAlgorithm {
    /** Raw 256-bit AES key; wrapped key = 12-byte IV || AES-GCM(ciphertext || 16-byte tag). */
    AES_GCM("AES/GCM", "02"),
    /** AWS KMS, the encryption context stored with the object passed verbatim to Decrypt. */
    KMS_CONTEXT("kms+context", "12"),
    /** RSA-OAEP-SHA1: recognised so the error is precise, never implemented here. */
    RSA_OAEP_SHA1("RSA-OAEP-SHA1", "22");

    private final String v2Name;
    private final String v3Code;

    WrapAlgorithm(String v2Name, String v3Code) {
        this.v2Name = v2Name;
        this.v3Code = v3Code;
    }

    public String v2Name() {
        return v2Name;
    }

    public String v3Code() {
        return v3Code;
    }

    static Optional<WrapAlgorithm> fromV2Name(String name) {
        for (WrapAlgorithm w : values()) {
            if (w.v2Name.equals(name)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    static Optional<WrapAlgorithm> fromV3Code(String code) {
        for (WrapAlgorithm w : values()) {
            if (w.v3Code.equals(code)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
