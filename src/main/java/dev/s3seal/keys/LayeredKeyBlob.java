package dev.s3seal.keys;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The blob of a layered {@link WrappedKey}: {@code 0x01 || u16 outerLength || outer || inner}, where
 * {@code outer} is the bucket-scope KEK as wrapped by the base provider (a KMS ciphertext blob) and
 * {@code inner} is the object's data key wrapped under the KEK (nonce||ct||tag, see {@link KeyWrap}).
 */
record LayeredKeyBlob(byte[] outer, byte[] inner) {

    static final byte VERSION = 1;

    byte[] encode() {
        if (outer.length > 0xFFFF) {
            throw new IllegalArgumentException("outer wrapped key too long: " + outer.length);
        }
        return ByteBuffer.allocate(3 + outer.length + inner.length)
                .put(VERSION)
                .putShort((short) outer.length)
                .put(outer)
                .put(inner)
                .array();
    }

    static LayeredKeyBlob decode(byte[] blob) {
        if (blob.length < 3 || blob[0] != VERSION) {
            throw invalid("unknown layered key format");
        }
        int outerLength = ((blob[1] & 0xFF) << 8) | (blob[2] & 0xFF);
        if (blob.length != 3 + outerLength + KeyWrap.WRAPPED_LENGTH || outerLength == 0) {
            throw invalid("layered wrapped key has a wrong length");
        }
        return new LayeredKeyBlob(
                Arrays.copyOfRange(blob, 3, 3 + outerLength), Arrays.copyOfRange(blob, 3 + outerLength, blob.length));
    }

    private static KeyProviderException invalid(String message) {
        return new KeyProviderException(KeyProviderException.Reason.INVALID_CIPHERTEXT, message);
    }
}
