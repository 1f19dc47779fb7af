package dev.s3seal.ops;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps {@link UpstreamHealth} current when no client traffic does: every {@code interval} without an
 * upstream exchange it sends a signed {@code GET /} (ListBuckets) and drains the answer. Any answer
 * below 500 counts as reachable, so a 403 for lack of {@code s3:ListAllMyBuckets} is fine. Runs on a
 * timer thread and the non-blocking client; never on a request's event loop.
 */
public final class UpstreamProbe implements AutoCloseable {

    private final UpstreamClient upstream;
    private final UpstreamHealth health;
    private final Duration interval;
    private final Clock clock;
    private volatile Disposable schedule;

    public UpstreamProbe(UpstreamClient upstream, UpstreamHealth health, Duration interval, Clock clock) {
        this.upstream = upstream;
        this.health = health;
        this.interval = interval;
        this.clock = clock;
    }

    public void start() {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        schedule = Flux.interval(Duration.ZERO, interval, Schedulers.parallel())
                // a tick that arrives while a probe is still running is skipped, not an overflow error
                .onBackpressureDrop()
                .filter(tick -> due())
                .concatMap(tick -> probe().onErrorResume(error -> Mono.empty()))
                .subscribe();
    }

    private boolean due() {
        Instant last = health.lastExchange();
        return last == null || !last.plus(interval).isAfter(clock.instant());
    }

    Mono<Void> probe() {
        UpstreamRequest listBuckets = new UpstreamRequest("GET", null, null, QueryParameters.empty(), Map.of(), -1);
        return upstream.<Void>exchange(
                        listBuckets,
                        Flux.empty(),
                        (response, body) -> Buffers.releaseAll(body).thenMany(Flux.empty()))
                .then()
                .timeout(interval.compareTo(Duration.ofSeconds(5)) < 0 ? interval : Duration.ofSeconds(5))
                .doOnError(TimeoutException.class, e -> health.probeFailed("probe: no answer in time"));
    }

    @Override
    public void close() {
        Disposable running = schedule;
        if (running != null) {
            running.dispose();
        }
    }
}
