package dev.s3seal.cli.migrate;

/**
 * What {@code migrate} did with one object: migrated (or would, in a dry run), skipped with a reason that is not
 * a failure (already encrypted, a rule under which s3seal does not encrypt, deleted meanwhile), or failed.
 *
 * @param storedBytes the bytes read and re-encrypted (the plaintext size), 0 when nothing was written
 * @param detail      why, for the user; never key material
 */
public record MigrateVerdict(String key, Outcome outcome, String reason, long storedBytes, String detail) {

    public enum Outcome {
        MIGRATED,
        WOULD_MIGRATE,
        SKIPPED,
        FAILED
    }

    /** Skip reasons. */
    static final String ALREADY_ENCRYPTED = "already-encrypted";

    static final String GONE = "deleted-meanwhile";

    /** Failure reasons. */
    static final String UNSUPPORTED = "unsupported";

    static final String CHANGING = "kept-changing";
    static final String UNREADABLE = "unreadable";
    static final String KEY_UNAVAILABLE = "key-unavailable";

    static MigrateVerdict migrated(String key, long bytes, String detail) {
        return new MigrateVerdict(key, Outcome.MIGRATED, "", bytes, detail);
    }

    static MigrateVerdict wouldMigrate(String key, long bytes, String detail) {
        return new MigrateVerdict(key, Outcome.WOULD_MIGRATE, "", bytes, detail);
    }

    static MigrateVerdict skipped(String key, String reason, String detail) {
        return new MigrateVerdict(key, Outcome.SKIPPED, reason, 0, detail);
    }

    static MigrateVerdict failed(String key, String reason, String detail) {
        return new MigrateVerdict(key, Outcome.FAILED, reason, 0, detail);
    }
}
