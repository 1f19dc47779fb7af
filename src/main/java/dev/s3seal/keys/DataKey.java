package dev.s3seal.keys;

import java.util.Arrays;
import java.util.Objects;

/**
 * A plaintext 256-bit data key and its wrapped form.
 *
 * <p>Ownership: a {@code DataKey} owns its plaintext array. {@link #plaintext()} returns that array
 * itself, not a copy, so key material is not multiplied: callers may read it (for example to derive
 * the per-object content key) but must not modify it or keep it past {@link #close()}, which zeroes
 * it. Use try-with-resources. The plaintext never appears in {@link #toString()}.
 */
public final class DataKey implements AutoCloseable {

    public static final int LENGTH = 32;

    private final byte[] plaintext;
    private final WrappedKey wrapped;
    private volatile boolean closed;

    /** Takes ownership of {@code plaintext} (no copy); it is zeroed by {@link #close()}. */
    public DataKey(byte[] plaintext, WrappedKey wrapped) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (plaintext.length != LENGTH) {
            throw new IllegalArgumentException("data key must be " + LENGTH + " bytes, got " + plaintext.length);
        }
        this.plaintext = plaintext;
        this.wrapped = Objects.requireNonNull(wrapped, "wrapped");
    }

    /** The live plaintext array, owned by this object; see the class comment. */
    public byte[] plaintext() {
        if (closed) {
            throw new IllegalStateException("data key already closed");
        }
        return plaintext;
    }

    public WrappedKey wrapped() {
        return wrapped;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        Arrays.fill(plaintext, (byte) 0);
    }

    @Override
    public String toString() {
        return "DataKey[plaintext=<redacted>, wrapped=" + wrapped + "]";
    }
}
