package dev.s3seal.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.crypto.CiphertextSizes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Checks of what a store holds for an object s3seal encrypted, read straight from its file. */
public final class StoredCiphertext {

    private StoredCiphertext() {}

    /**
     * {@code atRest} is a multipart object of {@code data} in s3seal's format with the default 64 KiB segments:
     * one stream per part (each starting with its header), exactly the parts' ciphertext lengths, and no part's
     * plaintext visible. {@code partOffsets}: where each part starts in {@code data}, then {@code data.length}.
     */
    public static void assertSegmentedParts(byte[] atRest, byte[] data, int[] partOffsets) {
        long partStart = 0;
        for (int i = 0; i < partOffsets.length - 1; i++) {
            int at = (int) partStart;
            assertThat(new String(atRest, at, 4, StandardCharsets.US_ASCII))
                    .as("part %d header", i + 1)
                    .isEqualTo("S3SL");
            partStart += CiphertextSizes.ciphertextLength(partOffsets[i + 1] - partOffsets[i], 65_536);
        }
        assertThat((long) atRest.length).isEqualTo(partStart);
        for (int i = 0; i < partOffsets.length - 1; i++) {
            byte[] window = Arrays.copyOfRange(data, partOffsets[i] + 1000, partOffsets[i] + 1032);
            assertThat(TestData.indexOf(atRest, window))
                    .as("plaintext of part %d visible at rest", i + 1)
                    .isNegative();
        }
    }
}
