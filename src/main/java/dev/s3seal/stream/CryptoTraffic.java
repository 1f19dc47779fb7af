package dev.s3seal.stream;

import java.util.concurrent.atomic.LongAdder;

/**
 * Plaintext bytes through s3seal's own ciphers since start, process-wide: counted by the operators
 * themselves, so every handler that encrypts or decrypts is counted the same way (the metrics
 * binder reads them; nothing here knows about metrics).
 */
public final class CryptoTraffic {

    private static final LongAdder ENCRYPTED = new LongAdder();
    private static final LongAdder DECRYPTED = new LongAdder();

    private CryptoTraffic() {}

    /** Plaintext bytes handed to an encryptor. */
    public static long encryptedBytes() {
        return ENCRYPTED.sum();
    }

    /** Plaintext bytes released by a decryptor (authenticated). */
    public static long decryptedBytes() {
        return DECRYPTED.sum();
    }

    public static void encrypted(long plaintextBytes) {
        ENCRYPTED.add(plaintextBytes);
    }

    public static void decrypted(long plaintextBytes) {
        DECRYPTED.add(plaintextBytes);
    }
}
