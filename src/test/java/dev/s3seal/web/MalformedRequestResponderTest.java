package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MalformedRequestResponderTest {

    @Test
    void shouldAnswerANulInTheRequestLineWithInvalidUriAndClose() {
        String answer = exchange("GET /bucket/a\0b HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(answer)
                .startsWith("HTTP/1.1 400 ")
                .contains("<Code>InvalidURI</Code>")
                .containsIgnoringCase("connection: close")
                .containsIgnoringCase("content-type: application/xml");
    }

    @Test
    void shouldAnswerABadPercentEscapeWithInvalidUri() {
        assertThat(exchange("GET /bucket/%zz HTTP/1.1\r\nHost: x\r\n\r\n")).contains("<Code>InvalidURI</Code>");
        assertThat(exchange("GET /bucket?prefix=%zz HTTP/1.1\r\nHost: x\r\n\r\n"))
                .contains("<Code>InvalidURI</Code>");
    }

    @Test
    void shouldAnswerAMalformedContentLengthWithInvalidArgument() {
        assertThat(exchange("PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .contains("<Code>InvalidArgument</Code>")
                .doesNotContain("abc");
        assertThat(exchange("PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"))
                .contains("<Code>InvalidArgument</Code>");
    }

    @Test
    void shouldAnswerAnOversizedHeaderSectionWithRequestHeaderSectionTooLarge() {
        EmbeddedChannel channel = channel(new HttpServerCodec(4096, 1024, 8192));
        String answer = write(channel, "GET /b/k HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("<Code>RequestHeaderSectionTooLarge</Code>");
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerBrokenChunkFramingWhenTheRequestWasNotAnswered() {
        EmbeddedChannel channel = channel(new HttpServerCodec());
        channel.writeInbound(bytes("PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        Object request = channel.readInbound();
        assertThat(request).isInstanceOf(HttpRequest.class);
        ReferenceCountUtil.release(request);
        String answer = write(channel, "zz\r\nabc\r\n0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("<Code>InvalidRequest</Code>");
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldPassWellFormedRequestsOn() {
        EmbeddedChannel channel = channel(new HttpServerCodec());
        channel.writeInbound(bytes("GET /bucket/a%20b?prefix=x HTTP/1.1\r\nHost: x\r\n\r\n"));
        Object request = channel.readInbound();
        assertThat(request).isInstanceOf(HttpRequest.class);
        ReferenceCountUtil.release(request);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    private static String exchange(String request) {
        EmbeddedChannel channel = channel(new HttpServerCodec());
        String answer = write(channel, request);
        assertThat(channel.isOpen()).as("closed after the answer").isFalse();
        channel.finishAndReleaseAll();
        return answer;
    }

    private static EmbeddedChannel channel(HttpServerCodec codec) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast("codec", codec)
                .addLast(MalformedRequestResponder.NAME, new MalformedRequestResponder());
        return channel;
    }

    private static String write(EmbeddedChannel channel, String request) {
        channel.writeInbound(bytes(request));
        Object passedOn;
        while ((passedOn = channel.readInbound()) != null) {
            ReferenceCountUtil.release(passedOn);
        }
        StringBuilder answer = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            answer.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return answer.toString();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * The fast paths that skip building a URI must never accept what java.net.URI (and so Spring) refuses:
     * random targets and hosts over an alphabet of allowed, reserved and illegal characters, fixed seed.
     */
    @Test
    void plainTargetsAndHostsAlwaysParseAsUris() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String alphabet = "aZ09-_.!~*'()/;:@&=+$,?%fF [ ]#{}|\\^`\"<>\u00e9\u0000\t";
        int plainTargets = 0;
        int plainHosts = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder(n % 2 == 0 ? "/" : "");
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = text.toString();
            if (MalformedRequestResponder.isPlainOriginForm(candidate)) {
                plainTargets++;
                new java.net.URI("http://localhost" + candidate); // throws if the fast path was wrong
            }
            if (MalformedRequestResponder.isPlainHost(candidate)) {
                plainHosts++;
                new java.net.URI("http://" + candidate + "/");
            }
        }
        assertThat(plainTargets).isGreaterThan(1000);
        assertThat(plainHosts).isGreaterThan(100);
        assertThat(MalformedRequestResponder.isPlainOriginForm("/bucket/key%2Fa?X-Amz-Credential=a%2F20261203"))
                .isTrue();
        assertThat(MalformedRequestResponder.isPlainOriginForm("/a%zz")).isFalse();
        assertThat(MalformedRequestResponder.isPlainOriginForm("/a b")).isFalse();
        assertThat(MalformedRequestResponder.isPlainHost("127.0.0.1:9000")).isTrue();
    }
}
