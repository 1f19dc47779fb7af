package dev.s3seal.crypto.s3ec;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Incremental AES-256-GCM over one whole object, the pure core under the Reactor operators.
 *
 * <p>Why not {@code javax.crypto.Cipher}: the JDK's GCM decryption returns nothing until {@code doFinal} and
 * buffers the whole ciphertext, which for an object means unbounded memory. This wraps BouncyCastle's
 * lightweight GCM, whose decryption releases plaintext as it goes and holds back only the last 16 bytes
 * (the candidate tag). <b>Plaintext returned by {@link #update} while decrypting is unauthenticated</b>
 * until {@link #finish()} returns normally; a caller that forwards it must treat a {@code finish()} failure
 * as "everything sent so far is suspect" (abort the connection), or verify first in a separate pass.
 *
 * <p>Not thread-safe; one instance per object and direction.
 */
public final class GcmStream {

    /** GCM's limit for one (key, IV): 2^32 - 2 blocks. */
    public static final long MAX_PLAINTEXT_LENGTH = (1L << 36) - 32;

    public static final int TAG_LENGTH = 16;

    private final GCMModeCipher gcm;
    private final boolean encrypting;
    private long plaintextBytes;
    private boolean finished;

    private GcmStream(boolean encrypting, byte[] key, byte[] iv, byte[] aad) {
        this.encrypting = encrypting;
        this.gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(encrypting, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, iv, aad));
    }

    static GcmStream encrypting(byte[] key, byte[] iv, byte[] aad) {
        return new GcmStream(true, key, iv, aad);
    }

    static GcmStream decrypting(byte[] key, byte[] iv, byte[] aad) {
        return new GcmStream(false, key, iv, aad);
    }

    /** Processes {@code len} bytes; returns what is ready (possibly empty). */
    public byte[] update(byte[] in, int off, int len) {
        if (finished) {
            throw new IllegalStateException("GCM stream already finished");
        }
        if (encrypting) {
            plaintextBytes += len;
            if (plaintextBytes > MAX_PLAINTEXT_LENGTH) {
                throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "object longer than GCM allows");
            }
        }
        byte[] out = new byte[gcm.getUpdateOutputSize(len)];
        int n = gcm.processBytes(in, off, len, out, 0);
        if (!encrypting) {
            plaintextBytes += n;
            if (plaintextBytes > MAX_PLAINTEXT_LENGTH) {
                throw new S3ecException(S3ecException.Reason.INVALID_LENGTH, "object longer than GCM allows");
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Encrypting: the last bytes and the 16-byte tag. Decrypting: the last plaintext bytes, returned only if
     * the tag verifies; otherwise {@link S3ecException.Reason#AUTHENTICATION_FAILED}.
     */
    public byte[] finish() {
        if (finished) {
            throw new IllegalStateException("GCM stream already finished");
        }
        finished = true;
        byte[] out = new byte[gcm.getOutputSize(0)];
        try {
            int n = gcm.doFinal(out, 0);
            plaintextBytes += encrypting ? 0 : n;
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        } catch (InvalidCipherTextException e) {
            throw new S3ecException(
                    S3ecException.Reason.AUTHENTICATION_FAILED,
                    "GCM tag mismatch or body shorter than a tag: the object or its metadata was altered");
        }
    }

    /** Plaintext bytes consumed (encrypting) or released (decrypting) so far. */
    public long plaintextBytes() {
        return plaintextBytes;
    }

    /** Ends the stream and drops buffered bytes (BouncyCastle keeps no way to wipe its key schedule); idempotent. */
    public void destroy() {
        finished = true;
        gcm.reset();
    }
}
