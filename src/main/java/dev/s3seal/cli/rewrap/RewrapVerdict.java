package dev.s3seal.cli.rewrap;

/**
 * What {@code rewrap} did with one object.
 *
 * @param reason for SKIPPED and FAILED: a word scripts match on ({@code s3ec-format}, {@code wrong-key}, ...); for
 *               NOT_CHECKED the rule's mode
 * @param detail why, for people; for REWRAPPED and WOULD_REWRAP the keys, from and to
 */
public record RewrapVerdict(String key, Outcome outcome, String reason, String detail) {

    enum Outcome {
        /** The data key was re-wrapped under the current key (the object was copied onto itself). */
        REWRAPPED,
        /** {@code --dry-run}: would be re-wrapped; nothing was changed. */
        WOULD_REWRAP,
        /** Already under the key its rule names now. */
        CURRENT,
        /** Left as it is, and why (not in a format rewrap handles, gone since the listing). */
        SKIPPED,
        /** Its rule has s3seal encrypt nothing (passthrough, sse-*, deny): not looked at. */
        NOT_CHECKED,
        /** Could not be re-wrapped (wrong or missing key, damaged envelope, the store refused, ...): left as it was. */
        FAILED
    }

    static RewrapVerdict rewrapped(String key, String change) {
        return new RewrapVerdict(key, Outcome.REWRAPPED, null, change);
    }

    static RewrapVerdict wouldRewrap(String key, String change) {
        return new RewrapVerdict(key, Outcome.WOULD_REWRAP, null, change);
    }

    static RewrapVerdict current(String key) {
        return new RewrapVerdict(key, Outcome.CURRENT, null, null);
    }

    static RewrapVerdict skipped(String key, String reason, String detail) {
        return new RewrapVerdict(key, Outcome.SKIPPED, reason, detail);
    }

    static RewrapVerdict notChecked(String key, String mode) {
        return new RewrapVerdict(key, Outcome.NOT_CHECKED, mode, null);
    }

    static RewrapVerdict failed(String key, String reason, String detail) {
        return new RewrapVerdict(key, Outcome.FAILED, reason, detail);
    }
}
