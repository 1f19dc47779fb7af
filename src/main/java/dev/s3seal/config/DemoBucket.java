package dev.s3seal.config;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Creates the demo bucket in the embedded store unless it is already there. */
final class DemoBucket {

    private final UpstreamClient upstream;

    DemoBucket(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    void ensureExists(String bucket) {
        UpstreamRequest create = new UpstreamRequest("PUT", bucket, null, QueryParameters.empty(), Map.of(), 0);
        Integer status = upstream.exchange(
                        create,
                        Flux.empty(),
                        (response, body) -> Buffers.releaseAll(body).then(Mono.just(response.status())))
                .single()
                .block(Duration.ofSeconds(30));
        // 409 BucketAlreadyOwnedByYou on a restart is fine.
        if (status == null || (status >= 300 && status != 409)) {
            throw new IllegalStateException("could not create the demo bucket '" + bucket + "': HTTP " + status);
        }
    }
}
