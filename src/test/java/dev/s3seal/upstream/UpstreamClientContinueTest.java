package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.QueryParameters;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * An upstream that answers the head of a request expecting {@code 100 Continue} with a refusal:
 * the body is never pulled (so s3seal never tells its client to send it) and the refusal is what
 * the caller hears. The upstream here is a plain socket that answers at once, as S3 does.
 */
class UpstreamClientContinueTest {

    @Test
    void shouldRelayRefusalWithoutPullingBodyWhenUpstreamAnswersHead() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> upstreamSaw = CompletableFuture.supplyAsync(() -> refuseOnHead(server));
            UpstreamClient client = new UpstreamClient(
                    HttpClient.create().resolver(DefaultAddressResolverGroup.INSTANCE),
                    URI.create("http://127.0.0.1:" + server.getLocalPort()),
                    new UpstreamSigner("us-east-1"),
                    UpstreamCredentials.of("key", "secret"));
            // loads DataBufferUtils (and its logging) here, not first on an event loop under BlockHound
            DataBufferUtils.release(
                    DataBufferUtils.join(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[1])))
                            .block());
            AtomicBoolean bodyPulled = new AtomicBoolean();
            Flux<DataBuffer> body = Flux.<DataBuffer>just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[1024]))
                    .doOnSubscribe(s -> bodyPulled.set(true));
            UpstreamRequest put = new UpstreamRequest(
                    "PUT", "bucket", "key", QueryParameters.empty(), Map.of("expect", List.of("100-continue")), 1024);
            String answer = client.exchange(
                            put,
                            body,
                            (response, responseBody) -> DataBufferUtils.join(responseBody)
                                    .map(b -> {
                                        String text = response.status() + " " + b.toString(StandardCharsets.UTF_8);
                                        DataBufferUtils.release(b);
                                        return text;
                                    }))
                    .single()
                    .block(Duration.ofSeconds(20));
            assertThat(answer).isEqualTo("400 <Error><Code>InvalidArgument</Code></Error>");
            assertThat(bodyPulled).isFalse();
            assertThat(upstreamSaw.get(20, TimeUnit.SECONDS))
                    .contains("expect: 100-continue")
                    .endsWith("after head: 0");
        }
    }

    private static String refuseOnHead(ServerSocket server) {
        try (Socket socket = server.accept()) {
            String head = readHead(socket.getInputStream());
            byte[] error = "<Error><Code>InvalidArgument</Code></Error>".getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 400 Bad Request\r\nContent-Length: " + error.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(error);
            out.flush();
            long after = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            return head.toLowerCase() + "after head: " + after;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (lastFour == 0x0D0A0D0A) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
