package dev.s3seal.upstream;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

import dev.s3seal.s3.QueryParameters;

/**
 * Streams one request to the upstream store and hands its response, still streaming, to the
 * caller. The upstream connection lives exactly as long as the caller's response publisher: a
 * client that goes away cancels it, and the connection is closed rather than reused half-read.
 */
public final class UpstreamClient {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UpstreamClient.class);

    private final HttpClient httpClient;
    private final URI endpoint;
    private final UpstreamSigner signer;
    private final UpstreamCredentials credentials;
    private final NettyDataBufferFactory bufferFactory = new NettyDataBufferFactory(ByteBufAllocator.DEFAULT);
    private final Listener listener;

    /** Told how each exchange began: the upstream answered (any status), or failed before answering. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void answered(String method, int status, long nanos) {
        }

        default void failed(String method, Throwable error, long nanos) {
        }
    }

    public UpstreamClient(HttpClient httpClient, URI endpoint, UpstreamSigner signer, UpstreamCredentials credentials) {
        this(httpClient, endpoint, signer, credentials, Listener.NONE);
    }

    public UpstreamClient(HttpClient httpClient, URI endpoint, UpstreamSigner signer, UpstreamCredentials credentials,
            Listener listener) {
        this.httpClient = httpClient;
        this.endpoint = endpoint;
        this.signer = signer;
        this.credentials = credentials;
        this.listener = listener;
    }

    /**
     * Sends {@code request} with {@code body} (ignored when the request has none) and calls
     * {@code onResponse} with the response and its body. Whoever subscribes to that body owns
     * its buffers; if it is never subscribed the connection is closed. A bodiless idempotent request
     * whose connection fails before any answer is sent again ({@link UpstreamRetry}).
     */
    public <T> Flux<T> exchange(UpstreamRequest request, Publisher<DataBuffer> body,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        return exchange(request, body, false, onResponse);
    }

    /**
     * As {@link #exchange(UpstreamRequest, Publisher, BiFunction)}; {@code replayableBody} says {@code body}
     * may be subscribed again (bytes s3seal holds, not a client's stream), so an idempotent request
     * with a body may be sent again too.
     */
    public <T> Flux<T> exchange(UpstreamRequest request, Publisher<DataBuffer> body, boolean replayableBody,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        AtomicBoolean answered = new AtomicBoolean();
        Flux<T> attempt = Flux.defer(() -> {
            long start = System.nanoTime();
            return send(request, body, (response, responseBody) -> {
                answered.set(true);
                listener.answered(request.method(), response.status(), System.nanoTime() - start);
                return onResponse.apply(response, responseBody);
            }).doOnError(error -> {
                if (!answered.get()) {
                    listener.failed(request.method(), error, System.nanoTime() - start);
                }
            });
        });
        return UpstreamRetry.isSafeToRepeat(request, replayableBody)
                ? attempt.retryWhen(UpstreamRetry.whileUnanswered(answered::get))
                : attempt;
    }

    private <T> Flux<T> send(UpstreamRequest request, Publisher<DataBuffer> body,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        return credentials.current().flatMapMany(identity -> {
            SdkHttpRequest signed = signer.sign(toSdkRequest(request), identity);
            if (log.isTraceEnabled()) {
                log.trace("upstream {} {} headers {}", request.method(), signed.encodedPath(), signed.headers().keySet());
            }
            HttpClient.RequestSender sender = httpClient
                    .headers(h -> signed.forEachHeader((name, values) -> values.forEach(v -> h.add(name, v))))
                    .request(HttpMethod.valueOf(request.method()))
                    .uri(signed.getUri().toASCIIString());
            HttpClient.ResponseReceiver<?> receiver = request.hasBody()
                    ? sender.send((req, out) -> out.send(Flux.from(body).map(NettyDataBufferFactory::toByteBuf)))
                    : sender;
            return receiver.responseConnection((response, connection) -> handle(response, connection, onResponse));
        });
    }

    private <T> Publisher<T> handle(HttpClientResponse response, Connection connection,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        if (log.isDebugEnabled() && response.status().code() >= 400) {
            log.debug("upstream answered {} to {} {}", response.status().code(), response.method(), response.uri());
        }
        HttpHeaders headers = new HttpHeaders();
        response.responseHeaders().forEach(e -> headers.add(e.getKey(), e.getValue()));
        AtomicBoolean bodySubscribed = new AtomicBoolean();
        Flux<DataBuffer> responseBody = Flux.defer(() -> {
            bodySubscribed.set(true);
            // a connection that fails mid-body gets a type of its own: see UpstreamInterruptedException
            return connection.inbound().receive().retain().<DataBuffer>map(bufferFactory::wrap)
                    .onErrorMap(error -> !(error instanceof UpstreamInterruptedException),
                            UpstreamInterruptedException::new);
        });
        UpstreamResponse upstreamResponse = new UpstreamResponse(response.status().code(), headers);
        // deferred, so a handler that throws still ends in doFinally and frees the connection
        return Flux.defer(() -> onResponse.apply(upstreamResponse, responseBody))
                .doFinally(signal -> {
                    if (!bodySubscribed.get() || signal != reactor.core.publisher.SignalType.ON_COMPLETE) {
                        connection.dispose();
                    }
                });
    }

    SdkHttpRequest toSdkRequest(UpstreamRequest request) {
        String basePath = endpoint.getRawPath() == null ? "" : stripTrailingSlash(endpoint.getRawPath());
        StringBuilder path = new StringBuilder(basePath).append('/');
        if (request.bucket() != null) {
            path.append(SdkHttpUtils.urlEncode(request.bucket()));
            if (request.key() != null) {
                path.append('/').append(SdkHttpUtils.urlEncodeIgnoreSlashes(request.key()));
            }
        }
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol(endpoint.getScheme())
                .host(endpoint.getHost())
                .port(endpoint.getPort())
                .encodedPath(path.toString());
        for (QueryParameters.Parameter p : request.query().all()) {
            builder.appendRawQueryParameter(p.name(), p.value() == null ? "" : p.value());
        }
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            builder.putHeader(header.getKey(), header.getValue());
        }
        if (request.hasBody()) {
            builder.putHeader("content-length", Long.toString(request.contentLength()));
        }
        return builder.build();
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
