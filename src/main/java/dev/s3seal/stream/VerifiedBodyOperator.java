package dev.s3seal.stream;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import dev.s3seal.auth.PayloadVerifier;
/** PLACEHOLDER until the auth branch lands. */
public final class VerifiedBodyOperator implements Function<Flux<DataBuffer>, Flux<DataBuffer>> {
    public VerifiedBodyOperator(PayloadVerifier verifier, DataBufferFactory factory) {}
    public Flux<DataBuffer> apply(Flux<DataBuffer> in) { return in; }
}
