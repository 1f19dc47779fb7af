package dev.s3seal.limits;

import java.util.function.UnaryOperator;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/** The limits the S3 edge applies to each request: its client's concurrency cap and its body's deadline. */
public record RequestLimits(ClientConcurrencyLimit perClient, UnaryOperator<Flux<DataBuffer>> bodyDeadline) {

    /** No limits (tests and tools that build a gateway by hand). */
    public static final RequestLimits NONE = new RequestLimits(
            new ClientConcurrencyLimit(Integer.MAX_VALUE, LimitListener.NONE), UnaryOperator.identity());
}
