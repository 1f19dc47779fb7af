package dev.s3seal.web.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.crypto.CiphertextSizes;
import dev.s3seal.s3.listing.ListedObject;
import org.junit.jupiter.api.Test;

/** The plaintext sizes a listing shows under an {@code s3ec-v3} rule. */
class EncryptedListingSizesTest {

    private static final int SEGMENT = 65_536;

    @Test
    void shouldSubtractTheGcmTagWhenEntryIsSinglePartUnderS3ecRule() {
        ListedObject entry = new ListedObject("k", 1_016, "\"0123456789abcdef0123456789abcdef\"", null, false, 0);
        assertThat(EncryptedListingHandler.s3ecPlaintextSize(entry, SEGMENT).size())
                .isEqualTo(1_000L);
        assertThat(EncryptedListingHandler.s3ecPlaintextSize(entry.withSizeAndEtag(15, entry.etag()), SEGMENT))
                .as("too short to be in the client's format: left as stored")
                .isNull();
    }

    @Test
    void shouldSizeMultipartEntryWithS3sealMappingUnderS3ecRule() {
        long[] parts = {5L * 1024 * 1024, 1_000};
        long stored = CiphertextSizes.multipartCiphertextLength(parts, SEGMENT);
        ListedObject entry = new ListedObject("k", stored, "\"0123456789abcdef0123456789abcdef-2\"", null, false, 0);

        ListedObject shown = EncryptedListingHandler.s3ecPlaintextSize(entry, SEGMENT);

        assertThat(shown.size())
                .isEqualTo(parts[0] + parts[1])
                .isEqualTo(EncryptedListingHandler.plaintextSize(entry, SEGMENT).size());
        assertThat(shown.etag()).isEqualTo(entry.etag());
    }
}
