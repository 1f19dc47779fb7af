package dev.s3seal.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.core.Ordered;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

class HttpEdgeConfigurationTest {

    @Test
    void shouldHandOnRequestBodiesInPiecesOf64KiB() {
        HttpRequestDecoderSpec decoder = HttpEdgeConfiguration.withLargerBodyChunks(HttpServer.create())
                .configuration()
                .decoder();

        assertThat(decoder.maxChunkSize()).isEqualTo(64 * 1024);
    }

    @Test
    void shouldKeepEveryDecoderSettingSpringBootMadeBefore() {
        // as server.netty.max-initial-line-length and server.max-http-request-header-size leave it
        HttpServer configured = HttpServer.create()
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(16 * 1024)
                        .maxHeaderSize(64 * 1024)
                        .validateHeaders(false)
                        .initialBufferSize(512)
                        .allowDuplicateContentLengths(true)
                        .allowPartialChunks(false)
                        .h2cMaxContentLength(4096));

        HttpRequestDecoderSpec decoder = HttpEdgeConfiguration.withLargerBodyChunks(configured)
                .configuration()
                .decoder();

        assertThat(decoder.maxInitialLineLength()).isEqualTo(16 * 1024);
        assertThat(decoder.maxHeaderSize()).isEqualTo(64 * 1024);
        assertThat(decoder.validateHeaders()).isFalse();
        assertThat(decoder.initialBufferSize()).isEqualTo(512);
        assertThat(decoder.allowDuplicateContentLengths()).isTrue();
        assertThat(decoder.allowPartialChunks()).isFalse();
        assertThat(decoder.h2cMaxContentLength()).isEqualTo(4096);
        assertThat(decoder.maxChunkSize()).isEqualTo(64 * 1024);
    }

    @Test
    void shouldRunAfterSpringBootsOwnServerSettings() {
        // Spring Boot's NettyReactiveWebServerFactoryCustomizer has order 0 and sets the decoder from scratch
        assertThat(new HttpEdgeConfiguration().largerBodyChunks())
                .isInstanceOfSatisfying(
                        Ordered.class, ordered -> assertThat(ordered.getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE));
    }
}
