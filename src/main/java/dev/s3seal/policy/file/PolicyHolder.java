package dev.s3seal.policy.file;

import dev.s3seal.policy.KeysInUse;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.Policy;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.PolicyEngine;
import dev.s3seal.policy.PolicyException;
import dev.s3seal.policy.PolicyExplanation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force, swapped atomically on reload so that a request always sees one whole policy.
 * Thread-safe. A bad file at construction is a startup failure ({@link PolicyException}); a bad file
 * on {@link #reloadIfChanged()} is logged and counted, and the last good policy stays in force.
 *
 * <p>Changes are detected by a SHA-256 of the file's content, read through symlinks, not by its
 * modification time: Kubernetes updates a mounted ConfigMap by retargeting a {@code ..data}
 * symlink, which leaves the visible file's own timestamps unreliable.
 */
public final class PolicyHolder {

    private static final Logger log = LoggerFactory.getLogger(PolicyHolder.class);

    private final @Nullable Path file;
    private final AtomicReference<PolicyEngine> engine = new AtomicReference<>();
    private final AtomicLong reloadSuccesses = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile @Nullable String lastReloadError;
    private byte @Nullable [] lastSeenDigest;

    /**
     * @param file        the policy file, or null when none is configured
     * @param defaultMode without a file, the mode of the single default rule (a mode that takes no key)
     * @throws PolicyException when the file cannot be read or is invalid
     */
    public PolicyHolder(@Nullable Path file, Mode defaultMode) {
        this.file = file;
        if (file == null) {
            engine.set(new PolicyEngine(Policy.defaultOnly(defaultMode, null)));
            return;
        }
        byte[] content = read(file);
        engine.set(new PolicyEngine(parse(content)));
        lastSeenDigest = digest(content);
    }

    /** A fixed policy that never reloads (tests, built-in demo policies with a key). */
    public PolicyHolder(Policy policy) {
        this.file = null;
        engine.set(new PolicyEngine(Objects.requireNonNull(policy, "policy")));
    }

    public Policy policy() {
        return engine.get().policy();
    }

    public PolicyEngine engine() {
        return engine.get();
    }

    /** See {@link PolicyEngine#decide}. */
    public PolicyDecision decide(String principal, String bucket, String key, Operation operation) {
        return engine.get().decide(principal, bucket, key, operation);
    }

    /** See {@link PolicyEngine#explain}. */
    public PolicyExplanation explain(String principal, String bucket, String key, Operation operation) {
        return engine.get().explain(principal, bucket, key, operation);
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * Reads the file and, when its content changed since the last look, parses it and swaps it in.
     * Each distinct content is tried once: a bad file counts one failure, not one per poll.
     *
     * @return true when a new policy was applied
     */
    public synchronized boolean reloadIfChanged() {
        if (file == null) {
            return false;
        }
        byte[] content;
        try {
            content = readOrFail(file);
        } catch (IOException | PolicyException e) {
            return failed(new byte[0], e.getMessage());
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, lastSeenDigest)) {
            return false;
        }
        try {
            Policy policy = parse(content);
            Optional<String> removal = KeysInUse.removedBy(engine.get().policy(), policy);
            if (removal.isPresent()) {
                return failed(
                        digest,
                        removal.get() + "; objects written under it would become unreadable. Move the rules"
                                + " to the new key and rewrap first, then remove the old key (docs/rotation.md)");
            }
            engine.set(new PolicyEngine(policy));
            lastSeenDigest = digest;
            lastReloadError = null;
            reloadSuccesses.incrementAndGet();
            log.info(
                    "policy reloaded from {}: {} rules, {} keys",
                    file,
                    policy.rules().size(),
                    policy.keys().size());
            return true;
        } catch (PolicyException e) {
            return failed(digest, e.getMessage());
        }
    }

    private boolean failed(byte[] digest, String message) {
        if (Arrays.equals(digest, lastSeenDigest)) {
            return false;
        }
        lastSeenDigest = digest;
        lastReloadError = message;
        reloadFailures.incrementAndGet();
        log.error("policy reload refused, keeping the policy in force: {}", message);
        return false;
    }

    public long reloadSuccesses() {
        return reloadSuccesses.get();
    }

    public long reloadFailures() {
        return reloadFailures.get();
    }

    /** The message of the last refused reload, empty once a later reload succeeded. */
    public Optional<String> lastReloadError() {
        return Optional.ofNullable(lastReloadError);
    }

    private Policy parse(byte[] content) {
        return PolicyParser.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8), file.toString());
    }

    private static byte[] read(Path file) {
        try {
            return readOrFail(file);
        } catch (IOException e) {
            throw new PolicyException(file.toString(), 0, "cannot read policy file: " + e);
        }
    }

    private static byte[] readOrFail(Path file) throws IOException {
        if (Files.size(file) > PolicyParser.MAX_BYTES) {
            throw new PolicyException(
                    file.toString(), 1, "policy file is larger than " + PolicyParser.MAX_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
