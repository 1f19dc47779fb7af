package dev.s3seal.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class ByteWindowOperatorTest {

    private static Flux<DataBuffer> chunks(String... parts) {
        return Flux.fromArray(parts)
                .map(p -> DefaultDataBufferFactory.sharedInstance.wrap(p.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String text(DataBuffer buffer) {
        String s = buffer.toString(StandardCharsets.US_ASCII);
        DataBufferUtils.release(buffer);
        return s;
    }

    @Test
    void shouldPassOnlyTheWindowAcrossBufferBoundaries() {
        StepVerifier.create(chunks("abc", "defg", "h", "ijklm")
                        .transform(new ByteWindowOperator(2, 7))
                        .map(ByteWindowOperatorTest::text)
                        .reduce(String::concat))
                .expectNext("cdefghi")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldPassEverythingForTheWholeWindowAndNothingForAnEmptyOne() {
        StepVerifier.create(chunks("abc", "def")
                        .transform(new ByteWindowOperator(0, 6))
                        .map(ByteWindowOperatorTest::text))
                .expectNext("abc", "def")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(chunks("abc", "def").transform(new ByteWindowOperator(6, 0)))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
