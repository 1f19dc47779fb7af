package dev.s3seal.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How the long bucket commands ({@code rewrap}, {@code migrate}) run: stopped cleanly by Ctrl-C or SIGTERM. The
 * JVM's shutdown hook asks the run to take no new object and waits up to {@link #GRACE} for the objects in flight,
 * so every object is either done or untouched, the command prints its summary (with {@code STOPPED before the end})
 * and a rerun resumes.
 */
final class StoppableRun {

    static final Duration GRACE = Duration.ofMinutes(2);

    private StoppableRun() {}

    /**
     * Runs {@code work} (which prints the summary last) with {@code stop} wired to Ctrl-C; {@code work}'s result is
     * returned once the hook, if it ran, may let the JVM end.
     */
    static <R> R run(String command, Runnable stop, Supplier<R> work) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread onInterrupt = new Thread(
                () -> {
                    stop.run();
                    awaitQuietly(finished);
                },
                "s3seal-" + command + "-stop");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return work.get();
        } finally {
            finished.countDown();
            removeHook(onInterrupt);
        }
    }

    private static void awaitQuietly(CountDownLatch finished) {
        try {
            finished.await(GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running (Ctrl-C came as the run ended): it returns at once, the latch is open
        }
    }
}
