package dev.s3seal.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The extra encryption context a data key was wrapped under, as stored with the object (envelope
 * entry {@code s3seal-c}, docs/format.md 8) and in a multipart upload id, so a read unwraps under
 * exactly the context of the write, whatever the policy says now.
 *
 * <p>Encoding: {@code BE16(count) || (str(name) || str(value))*}, names in ascending order without
 * duplicates, {@code str} = BE16 length + UTF-8. One map has exactly one encoding, so the parser can
 * refuse anything else. Nothing here needs its own authentication: the context is part of what the
 * wrap is bound to (KMS encryption context, AES-GCM associated data), so an edited context fails to
 * unwrap.
 */
public final class RecordedContext {

    private static final int MAX_ENTRIES = 64;

    private RecordedContext() {}

    public static byte[] encode(Map<String, String> context) {
        SortedMap<String, String> sorted = new TreeMap<>(context);
        if (sorted.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("encryption context has more than " + MAX_ENTRIES + " entries");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) sorted.size()).array());
        sorted.forEach((name, value) -> {
            writeString(out, name);
            writeString(out, value);
        });
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when {@code encoded} is not the encoding of a context
     */
    public static SortedMap<String, String> decode(byte[] encoded) {
        try {
            ByteBuffer in = ByteBuffer.wrap(encoded);
            int count = in.getShort() & 0xFFFF;
            if (count > MAX_ENTRIES) {
                throw new IllegalArgumentException("too many encryption context entries");
            }
            TreeMap<String, String> context = new TreeMap<>();
            @Nullable String previous = null;
            for (int i = 0; i < count; i++) {
                String name = readString(in);
                String value = readString(in);
                if (name.isEmpty() || (previous != null && previous.compareTo(name) >= 0)) {
                    throw new IllegalArgumentException("encryption context names not in canonical order");
                }
                if (name.startsWith("s3seal:") || name.startsWith("aws:")) {
                    // s3seal sets these itself (KeyContext); a stored one is not an s3seal object's
                    throw new IllegalArgumentException("reserved encryption context name");
                }
                context.put(name, value);
                previous = name;
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after the encryption context");
            }
            return Collections.unmodifiableSortedMap(context);
        } catch (BufferUnderflowException truncated) {
            throw new IllegalArgumentException("truncated encryption context");
        }
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("encryption context entry too long");
        }
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) bytes.length).array());
        out.writeBytes(bytes);
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xFFFF];
        in.get(bytes);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException malformed) {
            throw new IllegalArgumentException("encryption context is not UTF-8");
        }
    }
}
