package dev.s3seal.cli.verify;

import java.util.Locale;

/**
 * What {@code verify} found for one object: authentic, failed with a reason, or not checked because its rule does
 * not have s3seal encrypt it (passthrough, sse-*, deny).
 *
 * @param key         the object's key
 * @param storedBytes the bytes read from the store (0 when the object was not read)
 * @param reason      null when the object verified or was not checked
 * @param detail      why it failed, for people; or the mode of a rule that s3seal does not encrypt under
 */
public record VerifyVerdict(String key, long storedBytes, Outcome outcome, Reason reason, String detail) {

    enum Outcome {
        OK,
        FAILED,
        NOT_CHECKED
    }

    /** Why an object failed, in the words scripts match on ({@link #label()}). */
    public enum Reason {
        /** A segment, tag, manifest or header does not authenticate: the bytes were changed. */
        TAMPERED,
        /** The stored object is shorter (or longer) than its authenticated length says. */
        TRUNCATED,
        /** The data key does not unwrap: a retired or wrong key, or the object was copied from another name. */
        WRONG_KEY,
        /** No encryption envelope at all, under a rule that has s3seal encrypt (cse-*). */
        NOT_ENCRYPTED,
        /** Envelope metadata that is damaged, an unsealed multipart upload, or a format version s3seal does not read. */
        UNKNOWN_FORMAT,
        /** The store or the key service did not answer as expected (retry later): nothing was learnt about the object. */
        UNREADABLE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static VerifyVerdict ok(String key, long storedBytes) {
        return new VerifyVerdict(key, storedBytes, Outcome.OK, null, null);
    }

    static VerifyVerdict failed(String key, long storedBytes, Reason reason, String detail) {
        return new VerifyVerdict(key, storedBytes, Outcome.FAILED, reason, detail);
    }

    static VerifyVerdict notChecked(String key, String mode) {
        return new VerifyVerdict(key, 0, Outcome.NOT_CHECKED, null, mode);
    }
}
