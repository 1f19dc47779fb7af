package dev.s3seal.web.envelope;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.stream.Buffers;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * s3seal's sealing self-copies (the plaintext MD5 after a PUT, the manifest after a multipart
 * completion) write the object a second time. On a versioned bucket that leaves the first write as
 * an extra, superseded version the client never made (for multipart uploads an unreadable, unsealed
 * one): it is deleted, so the client sees the one version it wrote. Best effort: a refusal (object
 * lock, no s3:DeleteObjectVersion for s3seal) is logged and the extra version stays.
 */
public final class SupersededVersions {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SupersededVersions.class);

    private SupersededVersions() {}

    /** Deletes version {@code first} of the object once {@code sealed} replaced it; nothing on unversioned buckets. */
    public static Mono<Void> delete(UpstreamClient upstream, String bucket, String key, String first, String sealed) {
        if (first == null || first.isEmpty() || first.equals("null") || sealed == null || first.equals(sealed)) {
            return Mono.empty();
        }
        UpstreamRequest delete = new UpstreamRequest(
                "DELETE", bucket, key, QueryParameters.empty().with("versionId", first), Map.of(), 0);
        return upstream.exchange(delete, Flux.empty(), (response, body) -> {
                    if (!response.isSuccess()) {
                        log.warn(
                                "the superseded version of {}/{} stays: upstream answered {} to its deletion",
                                bucket,
                                key,
                                response.status());
                    }
                    return Buffers.releaseAll(body);
                })
                .then()
                .onErrorResume(error -> {
                    log.warn("the superseded version of {}/{} stays: {}", bucket, key, error.toString());
                    return Mono.empty();
                });
    }
}
