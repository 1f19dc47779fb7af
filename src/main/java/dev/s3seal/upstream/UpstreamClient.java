package dev.s3seal.upstream;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.stream.Buffers;
import dev.s3seal.stream.ExactLength;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

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

    /** An answer before the body is a small error document; anything larger is not relayed whole. */
    private static final int MAX_EARLY_ANSWER_BYTES = 1024 * 1024;

    /** S3's 400 and 403 documents are a few KiB (SignatureDoesNotMatch's quotes included); held whole to be screened. */
    private static final int MAX_ERROR_DOCUMENT_BYTES = 1024 * 1024;

    /** Told how each exchange began: the upstream answered (any status), or failed before answering. */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void answered(String method, int status, long nanos) {}

        default void failed(String method, Throwable error, long nanos) {}

        /** The upstream refused s3seal's own credentials or signature with this S3 error code. */
        default void credentialsRefused(String method, String code) {}
    }

    public UpstreamClient(HttpClient httpClient, URI endpoint, UpstreamSigner signer, UpstreamCredentials credentials) {
        this(httpClient, endpoint, signer, credentials, Listener.NONE);
    }

    public UpstreamClient(
            HttpClient httpClient,
            URI endpoint,
            UpstreamSigner signer,
            UpstreamCredentials credentials,
            Listener listener) {
        this.httpClient = httpClient.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "s3seal.continueObserver", ContinueGate.OBSERVER);
            }
        });
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
    public <T> Flux<T> exchange(
            UpstreamRequest request,
            Publisher<DataBuffer> body,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        return exchange(request, body, false, onResponse);
    }

    /**
     * As {@link #exchange(UpstreamRequest, Publisher, BiFunction)}; {@code replayableBody} says {@code body}
     * may be subscribed again (bytes s3seal holds, not a client's stream), so an idempotent request
     * with a body may be sent again too.
     */
    public <T> Flux<T> exchange(
            UpstreamRequest request,
            Publisher<DataBuffer> body,
            boolean replayableBody,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        AtomicBoolean answered = new AtomicBoolean();
        Flux<T> attempt = Flux.defer(() -> {
            long start = System.nanoTime();
            return send(request, body, (response, responseBody) -> {
                        answered.set(true);
                        listener.answered(request.method(), response.status(), System.nanoTime() - start);
                        return screened(request.method(), response, responseBody, onResponse);
                    })
                    .doOnError(error -> {
                        if (!answered.get()) {
                            listener.failed(request.method(), error, System.nanoTime() - start);
                        }
                    });
        });
        return UpstreamRetry.isSafeToRepeat(request, replayableBody)
                ? attempt.retryWhen(UpstreamRetry.whileUnanswered(answered::get))
                : attempt;
    }

    /**
     * An error that may name s3seal's credentials (see {@link UpstreamErrorDocument}) is read whole, with
     * a cap: a refusal of s3seal's own credentials becomes s3seal's 503, reported to the listener; any
     * other document goes on without the elements that name s3seal's key id or signing material.
     */
    private <T> Publisher<T> screened(
            String method,
            UpstreamResponse response,
            Flux<DataBuffer> responseBody,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        if (!UpstreamErrorDocument.mayNameCredentials(method, response.status())) {
            return onResponse.apply(response, responseBody);
        }
        return Buffers.readBytes(responseBody, MAX_ERROR_DOCUMENT_BYTES).flatMapMany(document -> {
            Optional<String> refusal = UpstreamErrorDocument.credentialsRefusal(document);
            if (refusal.isPresent()) {
                listener.credentialsRefused(method, refusal.get());
                return Flux.error(new S3Exception(
                        S3ErrorCode.SERVICE_UNAVAILABLE, "The proxy's upstream credentials were refused."));
            }
            byte[] relayed = UpstreamErrorDocument.withoutSigningMaterial(document);
            HttpHeaders headers = new HttpHeaders();
            headers.addAll(response.headers());
            headers.setContentLength(relayed.length);
            return onResponse.apply(
                    new UpstreamResponse(response.status(), headers),
                    Flux.defer(() -> Flux.just(bufferFactory.wrap(relayed))));
        });
    }

    private <T> Flux<T> send(
            UpstreamRequest request,
            Publisher<DataBuffer> body,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        boolean awaitContinue = request.hasBody() && request.contentLength() > 0 && expectsContinue(request);
        return credentials.current().flatMapMany(identity -> {
            SdkHttpRequest signed = signer.sign(toSdkRequest(request), identity);
            if (log.isTraceEnabled()) {
                log.trace(
                        "upstream {} {} headers {}",
                        request.method(),
                        signed.encodedPath(),
                        signed.headers().keySet());
            }
            HttpClient.RequestSender sender = httpClient
                    .headers(h -> {
                        signed.forEachHeader((name, values) -> values.forEach(v -> h.add(name, v)));
                        if (awaitContinue) {
                            h.set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);
                        }
                    })
                    .request(HttpMethod.valueOf(request.method()))
                    // as a URI: Reactor Netty takes its parts as they are, where a String is parsed again by a regex
                    .uri(signed.getUri());
            BodyInFlight inFlight = new BodyInFlight(request.hasBody());
            HttpClient.ResponseReceiver<?> receiver = !request.hasBody()
                    ? sender
                    : sender.send((req, out) -> {
                        // Held to the Content-Length signed above, whatever produced the body: a byte past it
                        // would start the next request on this pooled connection (request smuggling), a body
                        // ending short would take the next request as its rest. Either fails the exchange and
                        // closes the connection.
                        Flux<ByteBuf> bytes = ExactLength.of(Flux.from(body), request.contentLength())
                                .transform(Buffers::releaseDiscarded)
                                .map(NettyDataBufferFactory::toByteBuf);
                        if (awaitContinue) {
                            // attached before the head goes out, so the upstream's answer to it cannot be missed
                            AtomicReference<ContinueGate> gate = new AtomicReference<>();
                            out.withConnection(connection -> gate.set(ContinueGate.attach(connection.channel())));
                            Flux<ByteBuf> held = bytes;
                            bytes = gate.get().bodyWanted().flatMapMany(wanted -> wanted ? held : inFlight.withheld());
                        }
                        return out.send(inFlight.watch(bytes));
                    });
            return receiver.responseConnection((response, connection) -> inFlight.answered()
                    ? handleEarly(response, connection, inFlight, onResponse)
                    : handle(response, connection, onResponse));
        });
    }

    private <T> Publisher<T> handle(
            HttpClientResponse response,
            Connection connection,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        UpstreamResponse upstreamResponse = responseOf(response);
        AtomicBoolean bodySubscribed = new AtomicBoolean();
        AtomicBoolean bodyEnded = new AtomicBoolean();
        Flux<DataBuffer> responseBody = Flux.defer(() -> {
            bodySubscribed.set(true);
            // a connection that fails mid-body gets a type of its own: see UpstreamInterruptedException
            return connection
                    .inbound()
                    .receive()
                    .retain()
                    .<DataBuffer>map(bufferFactory::wrap)
                    .doOnComplete(() -> bodyEnded.set(true))
                    .onErrorMap(
                            error -> !(error instanceof UpstreamInterruptedException),
                            UpstreamInterruptedException::new);
        });
        // deferred, so a handler that throws still ends in doFinally and frees the connection.
        // A connection whose response was read to its end is clean, however the caller's publisher
        // ended: a caller that takes its one answer with next() cancels after the body ended, and
        // closing the connection then made every such exchange open a new one (a TCP handshake and
        // an upstream accept per small encrypted PUT).
        return Flux.defer(() -> onResponse.apply(upstreamResponse, responseBody))
                .doFinally(signal -> {
                    boolean clean = bodySubscribed.get()
                            && (signal == reactor.core.publisher.SignalType.ON_COMPLETE || bodyEnded.get());
                    if (!clean) {
                        connection.dispose();
                    }
                });
    }

    /**
     * The upstream answered before it took the whole body (a refusal). Its answer is read now, before
     * the upstream closes the connection on the body it did not want, and handed on once the
     * client's body was drained, so that the client is listening; the connection is never reused.
     */
    private <T> Publisher<T> handleEarly(
            HttpClientResponse response,
            Connection connection,
            BodyInFlight inFlight,
            BiFunction<UpstreamResponse, Flux<DataBuffer>, Publisher<T>> onResponse) {
        connection.markPersistent(false);
        UpstreamResponse upstreamResponse = responseOf(response);
        AtomicLong held = new AtomicLong();
        return connection
                .inbound()
                .receive()
                .retain()
                .map(bufferFactory::wrap)
                .doOnNext(buffer -> {
                    if (held.addAndGet(buffer.readableByteCount()) > MAX_EARLY_ANSWER_BYTES) {
                        DataBufferUtils.release(buffer);
                        throw new IllegalStateException("early upstream answer larger than " + MAX_EARLY_ANSWER_BYTES);
                    }
                })
                .collectList()
                .flatMapMany(answer -> inFlight.drained()
                        .thenMany(Flux.defer(() -> onResponse.apply(upstreamResponse, Flux.fromIterable(answer))))
                        .doOnCancel(() -> answer.forEach(DataBufferUtils::release)))
                .transform(Buffers::releaseDiscarded)
                .doFinally(signal -> connection.dispose());
    }

    private static UpstreamResponse responseOf(HttpClientResponse response) {
        if (log.isDebugEnabled() && response.status().code() >= 400) {
            log.debug("upstream answered {} to {} {}", response.status().code(), response.method(), response.uri());
        }
        HttpHeaders headers = new HttpHeaders();
        response.responseHeaders().forEach(e -> headers.add(e.getKey(), e.getValue()));
        return new UpstreamResponse(response.status().code(), headers);
    }

    /** The client asked to be told before sending its body; the upstream is asked the same (the header is not signed). */
    private static boolean expectsContinue(UpstreamRequest request) {
        List<String> expect = request.headers().get(ForwardedHeaders.EXPECT);
        return expect != null && expect.stream().anyMatch(v -> v.trim().equalsIgnoreCase("100-continue"));
    }

    SdkHttpRequest toSdkRequest(UpstreamRequest request) {
        // checked here, where every upstream request passes: the connection writes headers unchecked
        HeaderSyntax.check(request.headers());
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
            if (header.getKey().equals(ForwardedHeaders.EXPECT)) {
                continue; // sent unsigned, and only with a body to hold back (see send)
            }
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
