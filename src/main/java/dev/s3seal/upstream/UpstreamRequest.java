package dev.s3seal.upstream;

import dev.s3seal.s3.QueryParameters;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a handler wants sent to the upstream store, before signing. Addressing upstream is always
 * path-style, whatever style the client used.
 *
 * @param headers headers to send (already filtered), names in lower case
 * @param contentLength body length, or -1 for a request without a body
 */
public record UpstreamRequest(
        String method,
        @Nullable String bucket,
        @Nullable String key,
        QueryParameters query,
        Map<String, List<String>> headers,
        long contentLength) {

    public boolean hasBody() {
        return contentLength >= 0;
    }
}
