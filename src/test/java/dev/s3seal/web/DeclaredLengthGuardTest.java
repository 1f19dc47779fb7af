package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class DeclaredLengthGuardTest {

    private final MockServerHttpResponse written = new MockServerHttpResponse();

    private ServerHttpResponse guarded(String method, long contentLength) {
        written.getHeaders().setContentLength(contentLength);
        return DeclaredLengthGuard.wrap(written, method);
    }

    private static DataBuffer bytes(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private String writtenBody() {
        return written.getBodyAsString().block(Duration.ofSeconds(5));
    }

    @Test
    void shouldWriteABodyOfExactlyItsContentLength() {
        StepVerifier.create(guarded("GET", 6).writeWith(Flux.just(bytes("abc"), bytes("def"))))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(writtenBody()).isEqualTo("abcdef");
    }

    @Test
    void shouldFailWithoutWritingTheBufferThatWouldRunPastTheContentLength() {
        StepVerifier.create(guarded("GET", 4).writeWith(Flux.just(bytes("abc"), bytes("def"), bytes("ghi"))))
                .expectError(DeclaredLengthGuard.LengthViolation.class)
                .verify(Duration.ofSeconds(5));
        assertThat(written.getBody()
                        .map(b -> b.toString(StandardCharsets.US_ASCII))
                        .collectList()
                        .onErrorReturn(List.of())
                        .block(Duration.ofSeconds(5)))
                .doesNotContain("def", "ghi");
    }

    @Test
    void shouldFailABodyThatEndsShortOfItsContentLength() {
        StepVerifier.create(guarded("GET", 10).writeWith(Flux.just(bytes("abc"))))
                .expectError(DeclaredLengthGuard.LengthViolation.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldHoldASingleBufferToItsContentLength() {
        StepVerifier.create(guarded("GET", 2).writeWith(Mono.just(bytes("abc"))))
                .expectError(DeclaredLengthGuard.LengthViolation.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void shouldLeaveBodilessAnswersAndChunkedBodiesAlone() {
        StepVerifier.create(guarded("HEAD", 100).writeWith(Flux.empty()))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        MockServerHttpResponse notModifiedResponse = new MockServerHttpResponse();
        notModifiedResponse.getHeaders().setContentLength(100);
        ServerHttpResponse notModified = DeclaredLengthGuard.wrap(notModifiedResponse, "GET");
        notModified.setStatusCode(HttpStatus.NOT_MODIFIED);
        StepVerifier.create(notModified.writeWith(Flux.empty()))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        MockServerHttpResponse chunked = new MockServerHttpResponse();
        StepVerifier.create(
                        DeclaredLengthGuard.wrap(chunked, "GET").writeWith(Flux.just(bytes("any"), bytes("length"))))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
