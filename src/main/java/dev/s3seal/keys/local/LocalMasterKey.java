package dev.s3seal.keys.local;

import dev.s3seal.keys.DataKey;
import dev.s3seal.keys.KeyWrap;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A named, versioned 256-bit master key for {@code cse-local} (CSE-C). Loaded from a file or an
 * environment variable holding 32 bytes as base64 or hex (surrounding whitespace ignored).
 *
 * <p>The material stays inside this object; {@link #toString()} and every error message name the
 * key and its source, never its bytes. {@link #destroy()} zeroes it.
 */
public final class LocalMasterKey {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final String name;
    private final String version;
    private final byte[] material;

    private LocalMasterKey(String name, String version, byte[] material) {
        this.name = checkName("key name", name);
        this.version = checkName("key version", version);
        this.material = material;
    }

    /** Takes a copy of 32 raw bytes. */
    public static LocalMasterKey of(String name, String version, byte[] material) {
        if (material == null || material.length != DataKey.LENGTH) {
            throw new IllegalArgumentException(
                    "local master key " + name + "/" + version + " must be " + DataKey.LENGTH + " bytes");
        }
        return new LocalMasterKey(name, version, material.clone());
    }

    /** Reads a key file containing 32 bytes as base64 or hex. */
    public static LocalMasterKey fromFile(String name, String version, Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read local master key file " + file + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
        try {
            return new LocalMasterKey(name, version, decode(content, "key file " + file));
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Reads an environment variable containing 32 bytes as base64 or hex. */
    public static LocalMasterKey fromEnv(String name, String version, String variable) {
        return fromEncoded(name, version, System.getenv(variable), "environment variable " + variable);
    }

    /** Decodes base64 or hex text; {@code source} names where it came from in error messages. */
    public static LocalMasterKey fromEncoded(String name, String version, @Nullable String encoded, String source) {
        if (encoded == null) {
            throw new IllegalArgumentException("local master key " + name + ": " + source + " is not set");
        }
        byte[] content = encoded.getBytes(StandardCharsets.US_ASCII);
        try {
            return new LocalMasterKey(name, version, decode(content, source));
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Creates {@code file} with a fresh random key (base64, owner read/write only: 0600) unless it
     * exists; parent directories are created (0700 where POSIX). Returns whether a key was written.
     */
    public static boolean generateFileIfMissing(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        boolean posix = parent.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(parent)) {
            if (posix) {
                Files.createDirectories(
                        parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(parent);
            }
        }
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(file, attrs);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        byte[] key = KeyWrap.randomKey();
        byte[] encoded = Base64.getEncoder().encode(key);
        try (OutputStream out =
                Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(encoded);
            out.write('\n');
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
        }
        return true;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    /** The live material; package-private so only the providers in this package touch it. */
    public byte[] material() {
        return material;
    }

    /** Zeroes the key material. */
    public void destroy() {
        Arrays.fill(material, (byte) 0);
    }

    @Override
    public String toString() {
        return "LocalMasterKey[" + name + "/" + version + ", material=<redacted>]";
    }

    private static byte[] decode(byte[] raw, String source) {
        int from = 0;
        int to = raw.length;
        while (from < to && Character.isWhitespace(raw[from])) {
            from++;
        }
        while (to > from && Character.isWhitespace(raw[to - 1])) {
            to--;
        }
        byte[] text = Arrays.copyOfRange(raw, from, to);
        byte[] key = null;
        try {
            if (text.length == 2 * DataKey.LENGTH && isHex(text)) {
                key = hex(text);
            } else {
                try {
                    key = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException notStandard) {
                    try {
                        key = Base64.getUrlDecoder().decode(text);
                    } catch (IllegalArgumentException notUrl) {
                        throw new IllegalArgumentException(
                                "local master key from " + source + " is neither base64 nor 64 hex digits");
                    }
                }
            }
            if (key.length != DataKey.LENGTH) {
                Arrays.fill(key, (byte) 0);
                throw new IllegalArgumentException("local master key from " + source + " has " + key.length
                        + " bytes; a 256-bit key of exactly " + DataKey.LENGTH + " bytes (base64 or hex) is required");
            }
            return key;
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    private static boolean isHex(byte[] text) {
        for (byte b : text) {
            if (Character.digit(b, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] hex(byte[] text) {
        byte[] out = new byte[text.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((Character.digit(text[2 * i], 16) << 4) | Character.digit(text[2 * i + 1], 16));
        }
        return out;
    }

    private static String checkName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ": " + value);
        }
        return value;
    }
}
