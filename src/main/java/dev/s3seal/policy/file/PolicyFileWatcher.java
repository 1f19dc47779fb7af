package dev.s3seal.policy.file;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a {@link PolicyHolder}'s file on one daemon thread and reloads it when its content changes.
 * Polling (rather than a WatchService) sees Kubernetes ConfigMap symlink swaps and works on every
 * filesystem; a small file read and hashed every couple of seconds costs nothing. Requests are never
 * blocked: they read whichever whole policy is in force.
 */
public final class PolicyFileWatcher implements AutoCloseable {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(PolicyFileWatcher.class);

    private final PolicyHolder holder;
    private final Duration interval;
    private @Nullable ScheduledExecutorService executor;

    public PolicyFileWatcher(PolicyHolder holder, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.holder = holder;
        this.interval = interval;
    }

    /** Starts polling; does nothing when the holder has no file or polling already runs. */
    public synchronized void start() {
        if (executor != null || holder.file().isEmpty()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "s3seal-policy-watcher");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        log.info("watching policy file {} every {}", holder.file().get(), interval);
    }

    private void poll() {
        try {
            holder.reloadIfChanged();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep watching whatever happens.
            log.error("policy watcher: unexpected error, still watching", e);
        }
    }

    public synchronized boolean running() {
        return executor != null && !executor.isShutdown();
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
