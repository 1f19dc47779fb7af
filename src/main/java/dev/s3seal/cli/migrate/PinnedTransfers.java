package dev.s3seal.cli.migrate;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The body-carrying requests of a rewrite: a GET pinned to the ETag the object was examined at ({@code If-Match}),
 * and a write whose refusal says whether the object changed meanwhile (412 or 404: {@link ObjectChanged}, examine
 * it again) or the store refused for another reason ({@link StoreRefused}).
 */
final class PinnedTransfers {

    private final UpstreamClient upstream;

    PinnedTransfers(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /**
     * GETs the object (or {@code range} of it) pinned to its ETag and hands the body to {@code then}; a changed or
     * deleted object is {@link ObjectChanged}, any other refusal {@link StoreRefused}.
     */
    Mono<Void> read(RewriteSource source, String range, Function<Flux<DataBuffer>, Mono<Void>> then) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("if-match", List.of(source.stored().etag()));
        if (range != null) {
            headers.put("range", List.of(range));
        }
        UpstreamRequest get =
                new UpstreamRequest("GET", source.bucket(), source.key(), QueryParameters.empty(), headers, -1);
        return upstream.exchange(get, Flux.empty(), (response, body) -> {
                    if (!response.isSuccess()) {
                        Mono<Void> drained = Buffers.releaseAll(body);
                        return drained.then(Mono.error(
                                ObjectChanged.isChange(response.status())
                                        ? new ObjectChanged("GET", response.status())
                                        : new StoreRefused("GET", response.status())));
                    }
                    return then.apply(body);
                })
                .then();
    }

    /** Sends a write with a body; 412 or 404 is {@link ObjectChanged}, another refusal {@link StoreRefused}. */
    Mono<String> write(UpstreamRequest request, Flux<DataBuffer> body) {
        AtomicReference<Throwable> bodyFailure = new AtomicReference<>();
        Flux<DataBuffer> watched = body.doOnError(bodyFailure::set);
        return upstream.exchange(request, watched, (response, answer) -> {
                    Mono<Void> drained = Buffers.releaseAll(answer);
                    if (response.isSuccess()) {
                        return drained.then(Mono.justOrEmpty(response.headers().getFirst("etag")));
                    }
                    return drained.then(Mono.<String>error(
                            ObjectChanged.isChange(response.status())
                                    ? new ObjectChanged(request.method(), response.status())
                                    : new StoreRefused(request.method(), response.status())));
                })
                .next()
                .onErrorMap(error -> bodyFailure.get() != null ? bodyFailure.get() : error);
    }

    /** The object changed (412) or went away (404) since it was examined: examine it again. */
    static final class ObjectChanged extends RuntimeException {
        ObjectChanged(String method, int status) {
            super(method + " answered " + status + ": the object changed since it was examined", null, false, false);
        }

        static boolean isChange(int status) {
            return status == 412 || status == 404;
        }
    }

    /** The store refused a request for another reason (access, throttling, a server error). */
    static final class StoreRefused extends RuntimeException {
        StoreRefused(String method, int status) {
            super("the store answered " + status + " to " + method, null, false, false);
        }

        StoreRefused(String message) {
            super(message, null, false, false);
        }
    }
}
