package dev.s3seal.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Progress of a long bucket command on standard error. On a terminal: a bar redrawn in place (objects done, rate,
 * and an ETA once the total is known; the total comes from a separate listing of the prefix, one LIST request per
 * 1,000 keys, that runs alongside). Elsewhere (a log, a CI job, a pipe): one plain line every few seconds.
 * Closing it stops the display; the command prints its summary after.
 */
final class ProgressDisplay implements AutoCloseable {

    private static final Duration REDRAW = Duration.ofMillis(500);

    private final Disposable.Composite running = Disposables.composite();
    private final ProgressBar bar;
    private final LongSupplier done;

    private ProgressDisplay(ProgressBar bar, LongSupplier done) {
        this.bar = bar;
        this.done = done;
    }

    /** No display at all ({@code --progress-every 0}). */
    static ProgressDisplay none() {
        return new ProgressDisplay(null, null);
    }

    /** Plain lines every {@code every}: {@code line} is asked for the text. */
    static ProgressDisplay lines(PrintWriter err, Duration every, Supplier<String> line) {
        ProgressDisplay display = new ProgressDisplay(null, null);
        display.running.add(Flux.interval(every).subscribe(tick -> {
            String text = line.get();
            if (text != null) {
                err.println(text);
            }
        }));
        return display;
    }

    /** A bar on the process's standard error: {@code done} objects out of {@code total} once that is counted. */
    static ProgressDisplay bar(String task, LongSupplier done, Mono<Long> total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(-1)
                .setUnit(" objects", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis((int) REDRAW.toMillis())
                .showSpeed()
                .continuousUpdate()
                .build();
        ProgressDisplay display = new ProgressDisplay(bar, done);
        display.running.add(total.subscribe(bar::maxHint, error -> {}));
        display.running.add(Flux.interval(REDRAW).subscribe(tick -> bar.stepTo(done.getAsLong())));
        return display;
    }

    /** Whether the process writes to a terminal (then the bar; else lines). */
    static boolean onTerminal() {
        return System.console() != null;
    }

    @Override
    public void close() {
        running.dispose();
        if (bar != null) {
            bar.stepTo(done.getAsLong()); // the last objects, done since the last redraw
            bar.close();
        }
    }
}
