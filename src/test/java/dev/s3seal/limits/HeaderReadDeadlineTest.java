package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The header deadline on an embedded channel, with Netty's virtual clock (no sleeping, no timing). */
class HeaderReadDeadlineTest {

    private static final long DEADLINE_MS = 2_000;
    private static final String HEAD = "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";

    private final List<String> limited = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new HttpServerCodec(),
            new HeaderReadDeadline(DEADLINE_MS, (limit, client) -> limited.add(limit.tagValue())));

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldCloseWhenHeadersTrickleOnPastTheDeadline() {
        for (int i = 0; i < 20 && channel.isOpen(); i++) {
            send(HEAD.substring(i, i + 1)); // a byte at a time: an idle timeout would never fire
            elapse(DEADLINE_MS / 10 + 1);
        }

        assertThat(channel.isOpen()).isFalse();
        assertThat(limited).containsExactly("header-read");
    }

    @Test
    void shouldKeepConnectionWhileBodyIsSlowOnceHeadersAreComplete() {
        send(HEAD);
        elapse(DEADLINE_MS * 5);

        assertThat(channel.isOpen())
                .as("a slow body is the body deadline's business")
                .isTrue();
    }

    @Test
    void shouldNotRestartDeadlineOnInterimContinue() {
        send(HEAD);
        respond(HttpResponseStatus.CONTINUE);
        elapse(DEADLINE_MS * 5);

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldCloseIdleConnectionAfterResponseWhenNoNextRequestArrives() {
        send(HEAD + "hello");
        respond(HttpResponseStatus.OK);
        elapse(DEADLINE_MS + 1);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldServeNextRequestWhenItsHeadersArriveInTime() {
        send(HEAD + "hello");
        respond(HttpResponseStatus.OK);
        elapse(DEADLINE_MS / 2);
        send(HEAD);
        elapse(DEADLINE_MS * 5);

        assertThat(channel.isOpen()).isTrue();
        assertThat(limited).isEmpty();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        Object decoded;
        while ((decoded = channel.readInbound()) != null) {
            ReferenceCountUtil.release(decoded);
        }
    }

    private void respond(HttpResponseStatus status) {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        Object encoded;
        while ((encoded = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(encoded);
        }
    }

    private void elapse(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }
}
