package dev.s3seal.crypto.s3ec;

import static dev.s3seal.crypto.s3ec.S3ecException.Reason.AMBIGUOUS_FORMAT;
import static dev.s3seal.crypto.s3ec.S3ecException.Reason.MALFORMED_METADATA;
import static dev.s3seal.crypto.s3ec.S3ecException.Reason.MISSING_METADATA;
import static dev.s3seal.crypto.s3ec.S3ecException.Reason.UNSUPPORTED_ALGORITHM;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The content metadata of one object written by the AWS S3 Encryption Client, decoded and validated.
 *
 * <p>S3 stores it as user metadata: on the wire each entry is the header {@code x-amz-meta-<name>}
 * (for example {@code x-amz-meta-x-amz-c: 115}); SDKs strip the prefix. {@link #fromUserMetadata} takes the
 * stripped form, {@link #fromHeaders} the raw headers. Entries not belonging to the format are ignored;
 * everything belonging to it is checked, and anything missing, unknown or contradictory is an
 * {@link S3ecException}, never a guess.
 *
 * @param version             V2 or V3
 * @param wrap                how {@code encryptedDataKey} is wrapped
 * @param encryptedDataKey    {@code x-amz-3} / {@code x-amz-key-v2}, base64-decoded
 * @param contentIv           V2 only ({@code x-amz-iv}, 12 bytes); null for V3 (its IV is fixed)
 * @param messageId           V3 only ({@code x-amz-i}, 28 bytes); null for V2
 * @param keyCommitment       V3 only ({@code x-amz-d}, 28 bytes); null for V2
 * @param encryptionContext   KMS wraps: {@code x-amz-t} (V3) or {@code x-amz-matdesc} (V2), as stored; else empty
 * @param materialsDescription raw-key wraps: {@code x-amz-m} (V3) or {@code x-amz-matdesc} (V2); else empty
 * @param unencryptedLength   V2 {@code x-amz-unencrypted-content-length} when present
 */
public record S3ecMetadata(
        S3ecVersion version,
        WrapAlgorithm wrap,
        byte[] encryptedDataKey,
        byte @Nullable [] contentIv,
        byte @Nullable [] messageId,
        byte @Nullable [] keyCommitment,
        Map<String, String> encryptionContext,
        Map<String, String> materialsDescription,
        OptionalLong unencryptedLength) {

    public static final String USER_METADATA_PREFIX = "x-amz-meta-";

    /** Suite 0x0073 as written in {@code x-amz-c}. */
    public static final String V3_SUITE_ID = "115";

    public static final String V2_CONTENT_CIPHER = "AES/GCM/NoPadding";
    public static final int MESSAGE_ID_LENGTH = 28;
    public static final int COMMITMENT_LENGTH = 28;
    public static final int V2_IV_LENGTH = 12;

    // V3
    static final String V3_CIPHER = "x-amz-c";
    static final String V3_KEY = "x-amz-3";
    static final String V3_WRAP = "x-amz-w";
    static final String V3_COMMITMENT = "x-amz-d";
    static final String V3_MESSAGE_ID = "x-amz-i";
    static final String V3_CONTEXT = "x-amz-t";
    static final String V3_MATDESC = "x-amz-m";
    // V2
    static final String V2_KEY = "x-amz-key-v2";
    static final String V2_IV = "x-amz-iv";
    static final String V2_CIPHER = "x-amz-cek-alg";
    static final String V2_WRAP = "x-amz-wrap-alg";
    static final String V2_TAG_LENGTH = "x-amz-tag-len";
    static final String V2_MATDESC = "x-amz-matdesc";
    static final String V2_UNENCRYPTED_LENGTH = "x-amz-unencrypted-content-length";
    // Refused
    static final String V1_KEY = "x-amz-key";
    static final String INSTRUCTION_FILE = "x-amz-crypto-instr-file";

    public S3ecMetadata {
        encryptionContext = Map.copyOf(encryptionContext);
        materialsDescription = Map.copyOf(materialsDescription);
    }

    private static final java.util.Set<String> FORMAT_ENTRIES = java.util.Set.of(
            V3_CIPHER,
            V3_KEY,
            V3_WRAP,
            V3_COMMITMENT,
            V3_MESSAGE_ID,
            V3_CONTEXT,
            V3_MATDESC,
            V2_KEY,
            V2_IV,
            V2_CIPHER,
            V2_WRAP,
            V2_TAG_LENGTH,
            V2_MATDESC,
            V2_UNENCRYPTED_LENGTH,
            V1_KEY,
            INSTRUCTION_FILE);

    /**
     * True for a user metadata name (without {@code x-amz-meta-}) that belongs to the client's envelope in
     * any version: a proxy keeps such entries from its own clients in both directions.
     */
    public static boolean isFormatEntry(@Nullable String userMetadataName) {
        return userMetadataName != null && FORMAT_ENTRIES.contains(userMetadataName.toLowerCase(Locale.ROOT));
    }

    /** True when the map has any entry of either format, i.e. the object claims to be client-encrypted. */
    public static boolean looksEncrypted(Map<String, String> userMetadata) {
        Map<String, String> m = lowerCased(userMetadata);
        return m.containsKey(V3_CIPHER)
                || m.containsKey(V3_KEY)
                || m.containsKey(V2_KEY)
                || m.containsKey(V1_KEY)
                || m.containsKey(V2_CIPHER);
    }

    /** From raw response headers: only {@code x-amz-meta-*} entries are considered (case-insensitive names). */
    public static S3ecMetadata fromHeaders(Map<String, String> headers) {
        Map<String, String> user = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(USER_METADATA_PREFIX)) {
                user.put(lower.substring(USER_METADATA_PREFIX.length()), value);
            }
        });
        return fromUserMetadata(user);
    }

    /** From SDK-style user metadata (names without the {@code x-amz-meta-} prefix). */
    public static S3ecMetadata fromUserMetadata(Map<String, String> userMetadata) {
        Map<String, String> m = lowerCased(userMetadata);
        if (m.containsKey(INSTRUCTION_FILE)) {
            throw new S3ecException(UNSUPPORTED_ALGORITHM, "instruction-file objects are not supported");
        }
        if (m.containsKey(V1_KEY)) {
            throw new S3ecException(UNSUPPORTED_ALGORITHM, "V1 format (x-amz-key, unauthenticated AES-CBC) is refused");
        }
        boolean v3 = m.keySet().stream()
                .anyMatch(k -> k.equals(V3_CIPHER)
                        || k.equals(V3_KEY)
                        || k.equals(V3_WRAP)
                        || k.equals(V3_COMMITMENT)
                        || k.equals(V3_MESSAGE_ID)
                        || k.equals(V3_CONTEXT)
                        || k.equals(V3_MATDESC));
        boolean v2 = m.keySet().stream()
                .anyMatch(k -> k.equals(V2_KEY)
                        || k.equals(V2_IV)
                        || k.equals(V2_CIPHER)
                        || k.equals(V2_WRAP)
                        || k.equals(V2_TAG_LENGTH)
                        || k.equals(V2_MATDESC));
        if (v3 && v2) {
            throw new S3ecException(AMBIGUOUS_FORMAT, "both V2 and V3 content metadata present");
        }
        if (v3) {
            return decodeV3(m);
        }
        if (v2) {
            return decodeV2(m);
        }
        throw new S3ecException(MISSING_METADATA, "no S3 Encryption Client metadata");
    }

    private static S3ecMetadata decodeV3(Map<String, String> m) {
        String suite = require(m, V3_CIPHER);
        if (!V3_SUITE_ID.equals(suite)) {
            throw new S3ecException(UNSUPPORTED_ALGORITHM, "V3 content suite " + suite + " (only 115 = 0x0073)");
        }
        if (!m.containsKey(V3_KEY)) {
            throw new S3ecException(MISSING_METADATA, V3_KEY + " absent (instruction files are not supported)");
        }
        byte[] edk = base64(m, V3_KEY, -1);
        String code = require(m, V3_WRAP);
        WrapAlgorithm wrap = WrapAlgorithm.fromV3Code(code)
                .orElseThrow(() -> new S3ecException(UNSUPPORTED_ALGORITHM, "V3 wrap algorithm code '" + code + "'"));
        byte[] messageId = base64(m, V3_MESSAGE_ID, MESSAGE_ID_LENGTH);
        byte[] commitment = base64(m, V3_COMMITMENT, COMMITMENT_LENGTH);
        Map<String, String> context = Map.of();
        Map<String, String> matdesc = Map.of();
        if (wrap == WrapAlgorithm.KMS_CONTEXT) {
            forbid(m, V3_MATDESC, "with kms+context");
            context = m.containsKey(V3_CONTEXT) ? FlatJson.parse(V3_CONTEXT, m.get(V3_CONTEXT)) : Map.of();
        } else {
            forbid(m, V3_CONTEXT, "without kms+context");
            matdesc = m.containsKey(V3_MATDESC) ? FlatJson.parse(V3_MATDESC, m.get(V3_MATDESC)) : Map.of();
        }
        return new S3ecMetadata(
                S3ecVersion.V3, wrap, edk, null, messageId, commitment, context, matdesc, OptionalLong.empty());
    }

    private static S3ecMetadata decodeV2(Map<String, String> m) {
        String cipher = require(m, V2_CIPHER);
        if (!V2_CONTENT_CIPHER.equals(cipher)) {
            throw new S3ecException(
                    UNSUPPORTED_ALGORITHM, "V2 content cipher '" + cipher + "' (only " + V2_CONTENT_CIPHER + ")");
        }
        byte[] edk = base64(m, V2_KEY, -1);
        byte[] iv = base64(m, V2_IV, V2_IV_LENGTH);
        String tagLength = require(m, V2_TAG_LENGTH);
        if (!"128".equals(tagLength)) {
            throw new S3ecException(UNSUPPORTED_ALGORITHM, "V2 tag length '" + tagLength + "' (only 128)");
        }
        String wrapName = require(m, V2_WRAP);
        WrapAlgorithm wrap = WrapAlgorithm.fromV2Name(wrapName)
                .orElseThrow(() -> new S3ecException(
                        UNSUPPORTED_ALGORITHM,
                        "V2 wrap algorithm '" + wrapName + "' (legacy kms/AES/AESWrap/RSA wraps are refused)"));
        Map<String, String> stored = FlatJson.parse(V2_MATDESC, require(m, V2_MATDESC));
        OptionalLong length = OptionalLong.empty();
        if (m.containsKey(V2_UNENCRYPTED_LENGTH)) {
            String v = m.get(V2_UNENCRYPTED_LENGTH);
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                length = OptionalLong.of(n);
            } catch (NumberFormatException e) {
                throw new S3ecException(MALFORMED_METADATA, V2_UNENCRYPTED_LENGTH + " is not a non-negative integer");
            }
        }
        boolean kms = wrap == WrapAlgorithm.KMS_CONTEXT;
        return new S3ecMetadata(
                S3ecVersion.V2, wrap, edk, iv, null, null, kms ? stored : Map.of(), kms ? Map.of() : stored, length);
    }

    /** V3 metadata for writing, names without the {@code x-amz-meta-} prefix; only what the client itself writes. */
    public Map<String, String> toUserMetadata() {
        if (version != S3ecVersion.V3) {
            throw new S3ecException(UNSUPPORTED_ALGORITHM, "only V3 is written");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, String> out = new LinkedHashMap<>();
        out.put(V3_CIPHER, V3_SUITE_ID);
        out.put(V3_KEY, b64.encodeToString(encryptedDataKey));
        out.put(V3_WRAP, wrap.v3Code());
        out.put(V3_MESSAGE_ID, b64.encodeToString(messageId));
        out.put(V3_COMMITMENT, b64.encodeToString(keyCommitment));
        if (!encryptionContext.isEmpty()) {
            out.put(V3_CONTEXT, FlatJson.write(encryptionContext));
        }
        if (!materialsDescription.isEmpty()) {
            out.put(V3_MATDESC, FlatJson.write(materialsDescription));
        }
        return out;
    }

    /** {@link #toUserMetadata()} as HTTP headers ({@code x-amz-meta-x-amz-c: 115} ...). */
    public Map<String, String> toHeaders() {
        Map<String, String> out = new LinkedHashMap<>();
        toUserMetadata().forEach((k, v) -> out.put(USER_METADATA_PREFIX + k, v));
        return out;
    }

    @Override
    public String toString() {
        return "S3ecMetadata[" + version + ", " + wrap + ", context=" + encryptionContext.keySet() + ", matdesc="
                + materialsDescription.keySet() + "]";
    }

    private static Map<String, String> lowerCased(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (out.put(k.toLowerCase(Locale.ROOT), v) != null) {
                throw new S3ecException(AMBIGUOUS_FORMAT, "metadata name '" + k + "' appears twice");
            }
        });
        return out;
    }

    private static String require(Map<String, String> m, String name) {
        String v = m.get(name);
        if (v == null || v.isEmpty()) {
            throw new S3ecException(MISSING_METADATA, name + " absent");
        }
        return v.trim();
    }

    private static void forbid(Map<String, String> m, String name, String when) {
        if (m.containsKey(name)) {
            throw new S3ecException(AMBIGUOUS_FORMAT, name + " is not written " + when);
        }
    }

    private static byte[] base64(Map<String, String> m, String name, int expectedLength) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(require(m, name));
        } catch (IllegalArgumentException e) {
            throw new S3ecException(MALFORMED_METADATA, name + " is not base64");
        }
        if (bytes.length == 0 || (expectedLength > 0 && bytes.length != expectedLength)) {
            throw new S3ecException(
                    MALFORMED_METADATA,
                    name + " has " + bytes.length + " bytes"
                            + (expectedLength > 0 ? ", expected " + expectedLength : ""));
        }
        return bytes;
    }
}
