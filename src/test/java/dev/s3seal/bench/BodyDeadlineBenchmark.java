package dev.s3seal.bench;

import dev.s3seal.limits.BodyIdleDeadline;
import dev.s3seal.limits.LimitListener;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.Buffers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * The request body's idle deadline over a small body (two pieces, as a 4 KiB PUT arrives): s3seal's
 * {@link BodyIdleDeadline} (one timer per body) against the {@code Flux.timeout} it replaced (a timer
 * set and cancelled per piece, and an operator description built per body). Run like
 * {@link RequestAuthBenchmark} (docs/benchmarks.md, "Small-request CPU, round 3").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BodyDeadlineBenchmark {

    private static final Duration IDLE = Duration.ofSeconds(30);

    private final DataBuffer piece =
            DefaultDataBufferFactory.sharedInstance.wrap("4 KiB body piece".getBytes(StandardCharsets.US_ASCII));
    private final Flux<DataBuffer> body = Flux.just(piece, piece);
    private final BodyIdleDeadline deadline = new BodyIdleDeadline(IDLE, LimitListener.NONE);

    @Benchmark
    public void oneTimerPerBody(Blackhole sink) {
        body.transform(deadline).subscribe(sink::consume);
    }

    @Benchmark
    public void fluxTimeoutPerPiece(Blackhole sink) {
        // BodyIdleDeadline before "Small-request CPU, round 3", whole
        body.timeout(IDLE)
                .transform(Buffers::releaseDiscarded)
                .onErrorMap(TimeoutException.class, timeout -> new S3Exception(S3ErrorCode.REQUEST_TIMEOUT))
                .subscribe(sink::consume);
    }
}
